//! Messages to customers (confirmations, changes, cancellations, reminders, pickup notices,
//! management links, verification codes), never lost: each is written to the outbox in the same
//! transaction as the event that causes it, and a worker delivers it with retries.
pub mod message;
pub mod sms_text;
