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

/// Takes up to `$2[i]` seats of each slot `$1[i]` that is bookable at instant `$3[i]`, as many as
/// are left when fewer: the set-wise [`take_seat_if!`] for the bookings of one batch (their own
/// conditions checked before). The slots' rows are locked in id order, as every batch locks
/// them, so that two instances' batches cannot deadlock; each count is decided from the row's
/// latest version, and the update still refuses to pass the capacity. Answers, for each slot that
/// gave seats, its id, the seats taken, and its day and times.
pub const TAKE_SEATS: &str = concat!(
    "WITH slot AS MATERIALIZED (
         SELECT r.id, LEAST(w.n, r.total_capacity - r.booked_count) AS seats, w.now
         FROM reservation_slots r
         JOIN unnest($1::int8[], $2::int8[], $3::timestamptz[]) AS w(id, n, now) ON r.id = w.id
         WHERE ",
    crate::bookable!("w.now"),
    " ORDER BY r.id FOR NO KEY UPDATE OF r)
     UPDATE reservation_slots r
     SET booked_count = r.booked_count + slot.seats,
         status = CASE WHEN r.booked_count + slot.seats >= r.total_capacity THEN 'FULL' ELSE r.status END,
         updated_at = slot.now
     FROM slot
     WHERE r.id = slot.id AND slot.seats > 0 AND r.booked_count + slot.seats <= r.total_capacity
     RETURNING r.id, slot.seats, r.date, r.start_time, r.end_time"
);

/// Gives `$2[i]` seats of each slot `$1[i]` back at instant `$3[i]`.
pub const FREE_SEATS: &str = "UPDATE reservation_slots r
     SET booked_count = r.booked_count - b.n,
         status = CASE WHEN r.status = 'FULL' THEN 'ACTIVE' ELSE r.status END,
         updated_at = b.now
     FROM unnest($1::int8[], $2::int8[], $3::timestamptz[]) AS b(id, n, now)
     WHERE r.id = b.id";
