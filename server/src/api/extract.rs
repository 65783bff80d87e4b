//! Extractors that answer in the API's envelope when a request is malformed or unauthorized.
use super::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use gatehouse::staff::{self, Role, StaffUser};
use serde::de::DeserializeOwned;

/// JSON body; structs it fills deny unknown fields, so a typo in a field name is an error.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(value))
    }
}

pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let Query(value) = Query::<T>::from_request_parts(parts, state).await?;
        Ok(ApiQuery(value))
    }
}

/// A staff member authenticated by `Authorization: Bearer <token>`, with the device it names.
pub struct Staff {
    pub user: StaffUser,
    pub device: String,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        authenticate(parts, state, "an operator").await
    }
}

/// A staff member with the admin role.
pub struct Admin(pub StaffUser);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let staff = authenticate(parts, state, "an admin").await?;
        if staff.user.role == Role::Admin {
            Ok(Admin(staff.user))
        } else {
            Err(ApiError::new(403, "FORBIDDEN", "This needs an admin account."))
        }
    }
}

/// `role` is what the endpoint needs, named in the answer to a request without a token.
async fn authenticate(parts: &Parts, state: &AppState, role: &str) -> Result<Staff, ApiError> {
    let token = bearer_token(&parts.headers)
        .ok_or_else(|| ApiError::new(401, "UNAUTHORIZED", format!("Sign in as {role} to use this endpoint.")))?;
    let user = staff::user_by_token(&state.engine.db, token)
        .await?
        .ok_or_else(|| ApiError::new(401, "UNAUTHORIZED", "That API token is not valid."))?;
    let device = device_name(&parts.headers)?;
    Ok(Staff { user, device })
}

/// The token of `Authorization: Bearer <token>`; the scheme's case does not matter (RFC 7235).
/// Whatever else keys on the token (the rate limits) should read it through this too.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let (scheme, token) = headers.get(AUTHORIZATION)?.to_str().ok()?.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Device names go into the check-in log and onto the admin's screens.
const DEVICE_NAME_MAX: usize = 64;

/// `X-Gatehouse-Device`, empty when absent. A name with other characters is refused rather than
/// cleaned up: a scanner set up with a wrong name should hear so, not log under a mangled one.
fn device_name(headers: &HeaderMap) -> Result<String, ApiError> {
    let Some(value) = headers.get("x-gatehouse-device") else { return Ok(String::new()) };
    let allowed = |c: char| c.is_ascii_alphanumeric() || " -_.:#()".contains(c);
    value
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|name| name.len() <= DEVICE_NAME_MAX && name.chars().all(allowed))
        .map(str::to_string)
        .ok_or_else(|| {
            ApiError::new(
                400,
                "INVALID_DEVICE_NAME",
                format!("X-Gatehouse-Device takes up to {DEVICE_NAME_MAX} letters, digits, spaces and - _ . : # ( )."),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::{bearer_token, device_name, DEVICE_NAME_MAX};
    use axum::http::{HeaderMap, HeaderValue};

    fn headers(name: &'static str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).expect("header value"));
        headers
    }

    #[test]
    fn the_bearer_scheme_is_matched_without_regard_to_case() {
        for value in ["Bearer gh_1", "bearer gh_1", "BEARER   gh_1 "] {
            assert_eq!(bearer_token(&headers("authorization", value)), Some("gh_1"), "{value}");
        }
        for value in ["Basic gh_1", "Bearer", "Bearer   ", "Bearergh_1"] {
            assert_eq!(bearer_token(&headers("authorization", value)), None, "{value}");
        }
    }

    #[test]
    fn a_device_name_keeps_to_letters_digits_and_a_few_signs() {
        assert_eq!(device_name(&HeaderMap::new()).ok().as_deref(), Some(""));
        let door = headers("x-gatehouse-device", "Door 2 (north) #1: scanner_a-b.c");
        assert_eq!(device_name(&door).ok().as_deref(), Some("Door 2 (north) #1: scanner_a-b.c"));
        let long = "x".repeat(DEVICE_NAME_MAX + 1);
        for bad in ["<script>", "door;drop", long.as_str()] {
            assert!(device_name(&headers("x-gatehouse-device", bad)).is_err(), "{bad}");
        }
    }
}
