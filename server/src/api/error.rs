//! The one error envelope of the REST API: `{ "success": false, "error": { "code", "message", … } }`.
//! Every domain error maps here once; storage failures are logged and answered generically.
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse::admission::{EntryError, ScanError};
use gatehouse::contact::ContactError;
use gatehouse::error::DomainError;
use gatehouse::reservation::ReserveError;
use gatehouse::slots::resize::CapacityError;
use gatehouse::slots::MonthError;
use gatehouse::tickets::code::TicketCodeError;
use gatehouse::tickets::payment::PayError;
use gatehouse::tickets::signed::KeyError;
use serde_json::{json, Map, Value};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub extra: Map<String, Value>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code,
            message: message.into(),
            extra: Map::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl serde::Serialize) -> Self {
        self.extra.insert(key.into(), serde_json::to_value(value).unwrap_or(Value::Null));
        self
    }

    pub fn internal(source: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %source, "internal error answering an API request");
        ApiError::new(500, "INTERNAL", "Something went wrong on our side. Please try again.")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = Map::new();
        error.insert("code".into(), Value::from(self.code));
        error.insert("message".into(), Value::from(self.message));
        error.extend(self.extra);
        (self.status, Json(json!({ "success": false, "error": error }))).into_response()
    }
}

impl ApiError {
    /// Every domain error answers through here: its status, code, message and details.
    pub fn domain(e: &dyn DomainError) -> Self {
        if let Some(source) = e.storage_failure() {
            return ApiError::internal(&source);
        }
        let mut api = ApiError::new(e.status(), e.code(), e.to_string());
        api.extra = e.details();
        api
    }
}

gatehouse::answered_as_domain_errors!(ApiError:
    ReserveError,
    EntryError,
    ScanError,
    KeyError,
    PayError,
    CapacityError,
    TicketCodeError,
    ContactError,
    MonthError,
    gatehouse::shop::ShopError,
    gatehouse::shop::code::ReservationCodeError
);

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::internal(&e)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonSyntaxError(_) => {
                ApiError::new(400, "MALFORMED_JSON", "The request body is not valid JSON.")
            }
            JsonRejection::JsonDataError(e) => ApiError::new(400, "INVALID_FIELD", e.body_text()),
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "Send the body as JSON with Content-Type: application/json.",
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ApiError::new(413, "PAYLOAD_TOO_LARGE", "The request body is larger than this API accepts (16 KiB).")
            }
            other => ApiError::new(other.status().as_u16(), "BAD_REQUEST", other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::new(400, "INVALID_PARAMETER", rejection.body_text())
    }
}
