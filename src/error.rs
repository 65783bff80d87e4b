//! The one shape of a domain error: a stable machine-readable code, the HTTP status it is
//! answered with, a message a person can act on (its `Display`), and details a client can use
//! (a date, a count, slots to pick instead). The REST envelope and the server-function error
//! are each built from it in one place.
use serde_json::{Map, Value};

pub trait DomainError: std::error::Error {
    fn code(&self) -> &'static str;

    fn status(&self) -> u16 {
        400
    }

    /// Fields a client can act on, answered beside the code and message.
    fn details(&self) -> Map<String, Value> {
        Map::new()
    }

    /// The storage failure behind this error, if it is one: logged in full, answered generically.
    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        None
    }
}

/// Details from named values; a value that cannot be written as JSON becomes `null`.
pub fn details<const N: usize>(fields: [(&str, Value); N]) -> Map<String, Value> {
    fields.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// `value` as a detail.
pub fn detail(value: impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// `impl From<E> for $target` through `$target::domain(&e)` for each domain error `E`: how an edge's
/// error type (the REST envelope, the server-function error) answers `?` on any of them.
#[macro_export]
macro_rules! answered_as_domain_errors {
    ($target:ty: $($error:ty),* $(,)?) => {$(
        impl From<$error> for $target {
            fn from(e: $error) -> Self {
                <$target>::domain(&e)
            }
        }
    )*};
}
