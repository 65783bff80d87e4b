//! The two statements that take and give back a seat. Every write that books, moves or cancels
//! goes through them, so a slot's count and FULL status change in one place.

/// Takes one seat of slot `$1` at instant `$2` when the slot is bookable then and `$condition`
/// (an SQL condition with its own placeholders from `$3` on) holds: what makes the write worth
/// doing goes in the same statement, so a refusal writes nothing. Answers the slot's day and
/// times, or no row when it refused.
#[macro_export]
macro_rules! take_seat_if {
    ($condition:expr) => {
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

/// Takes up to `$3` seats of slot `$1` at instant `$2`, as many as are left when fewer: the
/// set-wise [`take_seat_if!`] for the bookings of one batch (their own conditions checked
/// before). The slot's row is locked first, so the count is decided from its latest version,
/// and the update still refuses to pass the capacity. Answers the seats taken and the slot's day
/// and times, or no row when none was taken.
pub const TAKE_SEATS: &str = concat!(
    "WITH slot AS (SELECT id, LEAST($3::int8, total_capacity - booked_count) AS seats FROM reservation_slots
                   WHERE id = $1 AND ",
    crate::bookable!("$2"),
    " FOR NO KEY UPDATE)
     UPDATE reservation_slots r
     SET booked_count = r.booked_count + slot.seats,
         status = CASE WHEN r.booked_count + slot.seats >= r.total_capacity THEN 'FULL' ELSE r.status END,
         updated_at = $2
     FROM slot
     WHERE r.id = slot.id AND slot.seats > 0 AND r.booked_count + slot.seats <= r.total_capacity
     RETURNING slot.seats, r.date, r.start_time, r.end_time"
);

/// Gives `$3` seats of slot `$1` back at instant `$2`.
pub const FREE_SEATS: &str = "UPDATE reservation_slots
     SET booked_count = booked_count - $3,
         status = CASE WHEN status = 'FULL' THEN 'ACTIVE' ELSE status END,
         updated_at = $2
     WHERE id = $1";
