//! What Gatehouse counts for the people who run it (`/metrics`, PRD key metrics): each a single
//! counter or histogram call into the `metrics` facade, cheap on the hot path; without an
//! installed recorder (tests, the CLI) they do nothing. The names are listed here once.
use std::time::Duration;

pub const RESERVATIONS_CREATED: &str = "gatehouse_reservations_created_total";
pub const RESERVATIONS_REFUSED: &str = "gatehouse_reservations_refused_total";
pub const DOOR_CHECKS: &str = "gatehouse_door_checks_total";
pub const ADMISSION_SECONDS: &str = "gatehouse_admission_seconds";
pub const WRITE_BATCH_SIZE: &str = "gatehouse_write_batch_size";

pub fn reservation_created() {
    ::metrics::counter!(RESERVATIONS_CREATED).increment(1);
}

/// A booking a rule refused, by the refusal's code (`SLOT_FULL`, …).
pub fn reservation_refused(reason: &'static str) {
    ::metrics::counter!(RESERVATIONS_REFUSED, "reason" => reason).increment(1);
}

/// An attempt at the door (`VALIDATE` or `VERIFY`) by its outcome (`VALID`, `VERIFIED`, or the
/// refusal's code).
pub fn door_check(action: &'static str, outcome: &'static str) {
    ::metrics::counter!(DOOR_CHECKS, "action" => action, "outcome" => outcome).increment(1);
}

/// How long admitting took, from the request to the committed answer.
pub fn admission(took: Duration) {
    ::metrics::histogram!(ADMISSION_SECONDS).record(took.as_secs_f64());
}

/// Writes committed together by the group-commit batcher.
pub fn write_batch(size: usize) {
    ::metrics::histogram!(WRITE_BATCH_SIZE).record(size as f64);
}
