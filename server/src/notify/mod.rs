//! Delivering the outbox: the transports (SMTP, an SMS API, the local mailbox) and the worker
//! that claims due messages, renders them and records how each went.
pub mod mailbox;
pub mod sms;
pub mod smtp;
pub mod worker;

pub use worker::{Postman, Route};
