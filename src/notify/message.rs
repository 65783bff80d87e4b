//! A message as it leaves Gatehouse: rendered, addressed, with the stable id that lets the
//! receiving side drop a repeat. What a transport (SMTP, an SMS API, the local mailbox) sends;
//! no transport's own types here.

/// An e-mail, HTML and plain text, with the ticket's QR code as an inline picture and the visit
/// as a calendar file when the message is about a booked visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Email {
    /// Stable across retries of the same outbox row: the `Message-ID` header's left part
    /// (`<{message_id}@{domain}>`), so a repeat after a crash can be recognised and dropped.
    pub message_id: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    /// Refers to the inline picture as `cid:{Inline::content_id}`.
    pub html: String,
    pub inline: Option<Inline>,
    pub attachment: Option<Attachment>,
}

/// A picture the HTML shows in place (the ticket's signed QR code, as PNG).
#[derive(Debug, Clone, PartialEq)]
pub struct Inline {
    pub content_id: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// A file attached to the message (the visit as `text/calendar`).
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub filename: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// A text message, short enough for one GSM-7 segment where it can be.
#[derive(Debug, Clone, PartialEq)]
pub struct Sms {
    /// Sent as the request's idempotency key: the same for every retry of one outbox row.
    pub idempotency_key: String,
    /// E.164, `+` and digits.
    pub to: String,
    pub body: String,
}

/// What the provider answered when it took the message (SMTP's reply line, the SMS API's
/// message id and status), kept on the outbox row.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivered {
    pub provider_answer: String,
}

/// Why a message was not taken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: a timeout, a refused connection, SMTP 4xx, HTTP 429 or 5xx.
    #[error("temporary failure: {0}")]
    Temporary(String),
    /// Trying again cannot help: SMTP 5xx, HTTP 4xx (a bad number, bad credentials).
    #[error("permanent failure: {0}")]
    Permanent(String),
}
