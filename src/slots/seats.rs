//! The two statements that take and give back a seat. Every write that books, moves or cancels
//! goes through them, so a slot's count and FULL status change in one place.

/// Takes one seat of slot `$1` at instant `$2` when the slot is bookable then and `$condition`
/// (an SQL condition with its own placeholders from `$3` on) holds: what makes the write worth
/// doing goes in the same statement, so a refusal writes nothing. Answers the slot's day and
/// times, or no row when it refused.
#[macro_export]
macro_rules! take_seat_if {
    ($condition:literal) => {
        concat!(
            "UPDATE reservation_slots
             SET booked_count = booked_count + 1,
                 status = CASE WHEN booked_count + 1 >= total_capacity THEN 'FULL' ELSE status END,
                 updated_at = $2
             WHERE id = $1 AND ",
            $crate::bookable!("$2"),
            " AND ",
            $condition,
            " RETURNING date, start_time, end_time"
        )
    };
}

/// Gives a seat of slot `$1` back at instant `$2`.
pub const FREE_SEAT: &str = "UPDATE reservation_slots
     SET booked_count = booked_count - 1,
         status = CASE WHEN status = 'FULL' THEN 'ACTIVE' ELSE status END,
         updated_at = $2
     WHERE id = $1";
