//! Messages to customers (confirmations, changes, cancellations, reminders, pickup notices,
//! management links, verification codes), never lost: each is written to the outbox in the same transaction as the
//! event that causes it (`queue`), and a worker in the server claims, renders (`render`, from
//! the files in `templates/`) and delivers it, with retries.
pub mod kind;
pub mod message;
pub mod outbox;
pub mod sms_text;
pub mod templates;
pub mod values;

#[cfg(feature = "ssr")]
pub mod queue;
#[cfg(feature = "ssr")]
pub mod reminders;
#[cfg(feature = "ssr")]
pub mod render;

pub use values::sample_values;

/// Where messages go, as customers and admins are told: a provider (they leave the machine) or
/// the local mailbox the dashboard shows (nothing configured).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Routes {
    pub email_leaves: bool,
    pub sms_leaves: bool,
}
