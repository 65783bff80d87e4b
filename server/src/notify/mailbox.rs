//! The local mailbox: where messages go when no SMTP server or SMS provider is configured (a
//! fresh machine, the demo). The message is kept on its outbox row, as it would have been sent,
//! and the dashboard's Messages page shows it; nothing leaves the machine.
use gatehouse::notify::message::{Delivered, Email, Sms};

pub const NAME: &str = "mailbox";

pub fn keep_email(email: &Email) -> Delivered {
    Delivered { provider_answer: format!("kept in the local mailbox for {} (no SMTP server configured)", email.to) }
}

pub fn keep_sms(sms: &Sms) -> Delivered {
    Delivered { provider_answer: format!("kept in the local mailbox for {} (no SMS provider configured)", sms.to) }
}
