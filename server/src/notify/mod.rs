//! Delivering the outbox: the transports (SMTP, an SMS API, the local mailbox) and the worker.
pub mod sms;
pub mod smtp;
