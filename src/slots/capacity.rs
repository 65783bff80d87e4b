//! How full a slot looks to a customer.
use serde::{Deserialize, Serialize};

/// The most places one slot can have; guards against a typo of a few extra digits.
pub const MAX_CAPACITY: i64 = 100_000;

/// The PRD's three badges. Between 1 % and 9 % left a slot still shows `LIMITED`: it can be
/// booked, so it must never look full, and the "available_count" beside the badge already says
/// how few seats are left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CapacityStatus {
    Available,
    Limited,
    Full,
}

impl CapacityStatus {
    pub fn of(total_capacity: i64, booked_count: i64) -> Self {
        let available = (total_capacity - booked_count).max(0);
        if available == 0 {
            Self::Full
        } else if available * 2 > total_capacity {
            Self::Available
        } else {
            Self::Limited
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Available => "Available",
            Self::Limited => "Limited",
            Self::Full => "Full",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CapacityStatus::*;
    use super::*;

    #[test]
    fn more_than_half_left_is_available() {
        assert_eq!(CapacityStatus::of(200, 0), Available);
        assert_eq!(CapacityStatus::of(200, 99), Available);
    }

    #[test]
    fn half_or_less_left_is_limited() {
        assert_eq!(CapacityStatus::of(200, 100), Limited);
        assert_eq!(CapacityStatus::of(200, 180), Limited);
    }

    #[test]
    fn a_few_seats_left_is_still_limited_not_full() {
        assert_eq!(CapacityStatus::of(200, 199), Limited);
    }

    #[test]
    fn no_seat_left_is_full() {
        assert_eq!(CapacityStatus::of(200, 200), Full);
        assert_eq!(CapacityStatus::of(0, 0), Full);
    }
}
