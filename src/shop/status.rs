//! An order's life: pending → confirmed → ready → completed, or cancelled / no-show on the way;
//! and how it is paid, apart from it, so online payment can plug in later.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    Pending,
    Confirmed,
    Ready,
    Completed,
    Cancelled,
    NoShow,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] =
        [Self::Pending, Self::Confirmed, Self::Ready, Self::Completed, Self::Cancelled, Self::NoShow];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Confirmed => "CONFIRMED",
            Self::Ready => "READY",
            Self::Completed => "COMPLETED",
            Self::Cancelled => "CANCELLED",
            Self::NoShow => "NO_SHOW",
        }
    }

    /// As the counter and the lookup page say it.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Pending => "Received",
            Self::Confirmed => "Confirmed",
            Self::Ready => "Ready for pickup",
            Self::Completed => "Picked up",
            Self::Cancelled => "Cancelled",
            Self::NoShow => "Not collected",
        }
    }

    /// The statuses an order may move to `to` from. Staff may skip steps forward (a pending
    /// order can be handed over at once) but nothing leaves completed, cancelled or no-show.
    pub fn predecessors(to: OrderStatus) -> &'static [OrderStatus] {
        use OrderStatus::*;
        match to {
            Pending => &[],
            Confirmed => &[Pending],
            Ready => &[Pending, Confirmed],
            Completed => &[Pending, Confirmed, Ready],
            Cancelled => &[Pending, Confirmed, Ready],
            NoShow => &[Confirmed, Ready],
        }
    }

    pub fn can_move_to(self, to: OrderStatus) -> bool {
        Self::predecessors(to).contains(&self)
    }

    /// Whether an order in this status still counts as stock taken and a pickup place booked.
    pub fn holds_stock(self) -> bool {
        !matches!(self, Self::Cancelled | Self::NoShow)
    }

    pub fn is_final(self) -> bool {
        matches!(self, Self::Completed | Self::Cancelled | Self::NoShow)
    }
}

impl std::str::FromStr for OrderStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| format!("unknown order status '{s}'"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentStatus {
    Unpaid,
    PayAtPickup,
    Paid,
}

impl PaymentStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Unpaid => "UNPAID",
            Self::PayAtPickup => "PAY_AT_PICKUP",
            Self::Paid => "PAID",
        }
    }
}

impl std::str::FromStr for PaymentStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [Self::Unpaid, Self::PayAtPickup, Self::Paid]
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown payment status '{s}'"))
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(OrderStatus);
#[cfg(feature = "ssr")]
crate::stored_as_text!(PaymentStatus);

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    #[test]
    fn an_order_walks_forward_to_completed() {
        assert!(Pending.can_move_to(Confirmed));
        assert!(Confirmed.can_move_to(Ready));
        assert!(Ready.can_move_to(Completed));
    }

    #[test]
    fn nothing_leaves_a_final_status() {
        for from in [Completed, Cancelled, NoShow] {
            for to in OrderStatus::ALL {
                assert!(!from.can_move_to(to), "{from:?} → {to:?}");
            }
        }
    }

    #[test]
    fn an_order_never_goes_back() {
        assert!(!Ready.can_move_to(Confirmed));
        assert!(!Confirmed.can_move_to(Pending));
    }

    #[test]
    fn a_no_show_needs_a_confirmed_order() {
        assert!(!Pending.can_move_to(NoShow));
        assert!(Ready.can_move_to(NoShow));
    }

    #[test]
    fn names_read_back() {
        for s in OrderStatus::ALL {
            assert_eq!(s.as_str().parse::<OrderStatus>(), Ok(s));
        }
    }
}
