//! The one error type server functions return: a machine-readable code and a message a person
//! can act on. Built from domain errors in `server`; never from raw storage errors.
use gatehouse::reservation::{AlternativeSlot, ReserveError};
use gatehouse::ticket_code::TicketCodeError;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: String,
    pub message: String,
    /// Slots to offer instead, when the chosen one could not be booked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<AlternativeSlot>,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self { code: code.into(), message: message.into(), alternatives: Vec::new() }
    }

    pub fn unavailable() -> Self {
        Self::new("UNAVAILABLE", "Something went wrong on our side. Please try again in a moment.")
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

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
}

impl From<ReserveError> for AppError {
    fn from(e: ReserveError) -> Self {
        if let ReserveError::Storage(source) = &e {
            #[cfg(feature = "ssr")]
            tracing::error!(error = %source, "storage failure in a booking");
            let _ = source;
            return Self::unavailable();
        }
        let alternatives = e.alternatives().map(<[_]>::to_vec).unwrap_or_default();
        Self { code: e.code().into(), message: e.to_string(), alternatives }
    }
}

impl From<TicketCodeError> for AppError {
    fn from(e: TicketCodeError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}
