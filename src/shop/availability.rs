//! What the shop's pages say of stock and of pickup windows, worked out from counts alone, so the
//! server and the browser (updating a page live) say the same.
use serde::{Deserialize, Serialize};

/// What the list says of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", content = "left", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Availability {
    Available,
    OnlyLeft(i64),
    SoldOut,
}

impl Availability {
    /// As the list says it.
    pub fn words(self) -> String {
        match self {
            Self::Available => "Available".into(),
            Self::OnlyLeft(n) => format!("Only {n} left"),
            Self::SoldOut => "Sold out".into(),
        }
    }

    pub fn is_sold_out(self) -> bool {
        self == Self::SoldOut
    }
}

/// "Only N left" from the low-stock threshold down, so the warning and the alert agree.
pub fn availability(available: i64, low_stock_threshold: i64) -> Availability {
    match available {
        n if n <= 0 => Availability::SoldOut,
        n if n <= low_stock_threshold => Availability::OnlyLeft(n),
        _ => Availability::Available,
    }
}

/// How full a window is, for the picker's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Load {
    Quiet,
    Moderate,
    Busy,
    Full,
    Past,
}

impl Load {
    /// As the picker says it beside each window.
    pub fn words(self) -> &'static str {
        match self {
            Self::Quiet => "Quiet",
            Self::Moderate => "Moderate",
            Self::Busy => "Busy",
            Self::Full => "Full",
            Self::Past => "Past",
        }
    }

    /// Whether a window in this state can be chosen.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Full | Self::Past)
    }
}

/// Quiet under a third taken, busy from two thirds.
pub fn load(taken: i64, capacity: i64, started: bool) -> Load {
    if started {
        Load::Past
    } else if taken >= capacity {
        Load::Full
    } else if taken * 3 >= capacity * 2 {
        Load::Busy
    } else if taken * 3 < capacity {
        Load::Quiet
    } else {
        Load::Moderate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_words_each_state() {
        assert_eq!(Availability::Available.words(), "Available");
        assert_eq!(Availability::OnlyLeft(2).words(), "Only 2 left");
        assert_eq!(Availability::SoldOut.words(), "Sold out");
    }

    #[test]
    fn full_and_past_windows_cannot_be_chosen() {
        assert!(load(0, 6, false).is_open());
        assert!(load(5, 6, false).is_open());
        assert!(!load(6, 6, false).is_open());
        assert!(!load(0, 6, true).is_open());
    }
}
