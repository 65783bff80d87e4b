//! Five wrong passwords in a row lock an account for 15 minutes (PRD §4.3.1); twenty failed
//! sign-ins from one address within 15 minutes hold that address back until the oldest is older. The count itself
//! is kept by one conditional statement in `sign_in.rs`, so that parallel guesses cannot slip
//! past it; these are the numbers and how a lock reads.
use chrono::{DateTime, Duration, Utc};

pub const MAX_FAILURES: i64 = 5;

/// Failed sign-ins one client address may make in a lock's duration, whichever accounts they
/// name: enough for a venue's whole crew mistyping behind one router, far too few to guess with.
pub const MAX_ADDRESS_FAILURES: i64 = 20;

pub fn lock_duration() -> Duration {
    Duration::minutes(15)
}

/// Whole minutes left on a lock at `now` (at least 1 while locked), or `None` once it is over.
pub fn minutes_locked(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<i64> {
    let left = locked_until? - now;
    (left > Duration::zero()).then(|| (left.num_seconds() + 59) / 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: u32, second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 4, 14, 10, minute, second).single().expect("valid instant")
    }

    #[test]
    fn a_fresh_lock_reads_as_fifteen_minutes() {
        assert_eq!(minutes_locked(Some(at(0, 0) + lock_duration()), at(0, 0)), Some(15));
    }

    #[test]
    fn part_of_a_minute_left_counts_as_a_minute() {
        assert_eq!(minutes_locked(Some(at(15, 0)), at(14, 30)), Some(1));
        assert_eq!(minutes_locked(Some(at(15, 0)), at(10, 1)), Some(5));
    }

    #[test]
    fn a_lock_is_over_at_its_end_and_no_lock_is_no_lock() {
        assert_eq!(minutes_locked(Some(at(15, 0)), at(15, 0)), None);
        assert_eq!(minutes_locked(None, at(15, 0)), None);
    }
}
