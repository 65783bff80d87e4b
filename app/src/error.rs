//! The one error type server functions return: a machine-readable code, the HTTP status it is
//! answered with, and a message a person can act on. Built from domain errors in `server`;
//! never from raw storage errors.
//!
//! A form posted without JavaScript gets its error back in the address it is sent to
//! (`__err`). An address is something anyone can forge and send as a link, so the server seals
//! each error it puts there and reduces any error without a valid seal to its code alone, which
//! the page words itself ([`AppError::for_code`]) (`server::sfn_errors`).
use gatehouse::contact::ContactError;
use gatehouse::error::DomainError;
use gatehouse::reservation::{AlternativeSlot, ReserveError};
use gatehouse::tickets::code::TicketCodeError;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: String,
    /// Empty when the error came as a code alone; [`FromServerFnError::de`] words it then.
    #[serde(default)]
    pub message: String,
    #[serde(default = "bad_request")]
    pub status: u16,
    /// Slots to offer instead, when the chosen one could not be booked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<AlternativeSlot>,
    /// The rows of a file that were refused (an import), as JSON: only the import page reads
    /// them, so the other surfaces' clients carry no code to read them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rows: String,
}

fn bad_request() -> u16 {
    400
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self { code: code.into(), message: message.into(), status: 400, alternatives: Vec::new(), rows: String::new() }
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    pub fn unavailable() -> Self {
        Self::new("UNAVAILABLE", "Something went wrong on our side. Please try again in a moment.").with_status(500)
    }

    /// An error known by its code alone, worded by this page rather than by whoever wrote the
    /// address. Codes that carry details (a date, a number of hours) get their general wording.
    pub fn for_code(code: &str) -> Self {
        let message = match code {
            "TICKET_NOT_FOUND" => ReserveError::TicketNotFound.to_string(),
            "TICKET_NOT_ACTIVATED" => ReserveError::TicketNotActivated.to_string(),
            "TICKET_ALREADY_RESERVED" => ReserveError::TicketAlreadyReserved { reserved_date: None }.to_string(),
            "TICKET_ALREADY_VERIFIED" => ReserveError::TicketAlreadyUsed.to_string(),
            "TICKET_EXPIRED" => ReserveError::TicketExpired.to_string(),
            "NO_RESERVATION" => ReserveError::NoReservation.to_string(),
            "SLOT_NOT_FOUND" => ReserveError::SlotNotFound.to_string(),
            "SLOT_FULL" => ReserveError::SlotFull { alternatives: Vec::new() }.to_string(),
            "SLOT_CLOSED" => ReserveError::SlotClosed { alternatives: Vec::new() }.to_string(),
            "SLOT_IN_PAST" => ReserveError::SlotStarted { alternatives: Vec::new() }.to_string(),
            "SAME_SLOT" => ReserveError::SameSlot.to_string(),
            "MANAGE_TOKEN_REQUIRED" => ReserveError::ManageTokenRequired.to_string(),
            "MANAGE_TOKEN_INVALID" => ReserveError::ManageTokenInvalid.to_string(),
            "CHANGE_CUTOFF_PASSED" => "This visit is too close to be changed or cancelled online.".into(),
            "INVALID_EMAIL" => ContactError::InvalidEmail.to_string(),
            "INVALID_PHONE" => ContactError::InvalidPhone.to_string(),
            "PHONE_LETTERS" => ContactError::PhoneLetters.to_string(),
            "INVALID_TICKET_CODE" => "This is not a ticket code: check it against your ticket.".into(),
            "TICKET_CODE_CHECK_FAILED" => TicketCodeError::CheckFailed.to_string(),
            "CONTACT_MISSING" => CONTACT_MISSING.into(),
            "WRONG_CREDENTIALS" => "Wrong username or password.".into(),
            "ACCOUNT_LOCKED" => {
                "This account is locked after too many failed sign-ins. Try again in 15 minutes.".into()
            }
            "WRONG_ROLE" => "This account cannot sign in here.".into(),
            "CSRF_INVALID" => "This form has expired. Reload the page and try again.".into(),
            "RATE_LIMITED" => "Too many attempts from your connection. Please wait a minute and try again.".into(),
            _ => match MORE_WORDS.get().and_then(|words| words(code)) {
                Some(message) => message.into(),
                None => return Self::unavailable(),
            },
        };
        let mut error = Self::new(code, message);
        error.status = 0; // unknown here; only the server's answers carry a status
        error
    }
}

/// The wording of codes only one surface sends (the dashboard's refusals). That surface's
/// hydrate entry registers it, and so does the server, which renders every surface: the other
/// surfaces' clients then carry none of it.
static MORE_WORDS: std::sync::OnceLock<fn(&str) -> Option<&'static str>> = std::sync::OnceLock::new();

/// Registers the wording of a surface's own codes for [`AppError::for_code`]; the first one stays.
pub fn word_more_codes(words: fn(&str) -> Option<&'static str>) {
    let _ = MORE_WORDS.set(words);
}

pub const CONTACT_MISSING: &str = "Please give your email and phone first.";

impl FromServerFnError for AppError {
    type Encoder = crate::codec::JsonTextEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => {
                Self::new("NETWORK", "We could not reach Gatehouse. Check your connection and try again.")
            }
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::Deserialization(_) | ServerFnErrorErr::MissingArg(_) => {
                Self::new("BAD_REQUEST", "That request was not understood.")
            }
            _ => Self::unavailable(),
        }
    }

    /// A code without a message (from an address) is worded here, never taken as written.
    fn de(data: leptos::server_fn::Bytes) -> Self {
        match crate::codec::from_json_text::<AppError>(&data) {
            Ok(e) if e.message.is_empty() => Self::for_code(&e.code),
            Ok(e) => e,
            Err(_) => Self::from_server_fn_error(ServerFnErrorErr::Deserialization("error".into())),
        }
    }
}

impl AppError {
    /// Every domain error reaches a page through here: its code, status and message, and the
    /// slots it offers instead. Storage failures are logged and answered generically.
    pub fn domain(e: &dyn DomainError) -> Self {
        if let Some(source) = e.storage_failure() {
            #[cfg(feature = "ssr")]
            tracing::error!(error = %source, "storage failure in a server function");
            let _ = source;
            return Self::unavailable();
        }
        let mut details = e.details();
        let alternatives = details
            .remove("alternative_slots")
            .and_then(|slots| serde_json::from_value(slots).ok())
            .unwrap_or_default();
        let rows = details.remove("rows").map(|rows| rows.to_string()).unwrap_or_default();
        Self { code: e.code().into(), message: e.to_string(), status: e.status(), alternatives, rows }
    }
}

gatehouse::answered_as_domain_errors!(AppError: ReserveError, TicketCodeError, ContactError, gatehouse::admission::EntryError, gatehouse::admission::offline::SyncError);
gatehouse::answered_as_domain_errors!(AppError: gatehouse::shop::ShopError, gatehouse::shop::code::ReservationCodeError);
#[cfg(feature = "ssr")]
gatehouse::answered_as_domain_errors!(AppError: gatehouse::staff::sign_in::SignInError);

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::server_fn::error::FromServerFnError;

    #[test]
    fn an_error_from_an_address_is_worded_by_its_code_not_by_the_address() {
        let forged = br#"{"code":"SLOT_FULL","message":""}"#;
        assert_eq!(
            AppError::de(forged.to_vec().into()).message,
            ReserveError::SlotFull { alternatives: vec![] }.to_string()
        );
        let unknown = br#"{"code":"PHISHING"}"#;
        assert_eq!(AppError::de(unknown.to_vec().into()).code, "UNAVAILABLE");
        let dashboards = br#"{"code":"SLOT_NOT_CLOSED"}"#;
        word_more_codes(crate::admin::refusal_words);
        assert_eq!(AppError::de(dashboards.to_vec().into()).message, "This slot is open already.");
    }
}
