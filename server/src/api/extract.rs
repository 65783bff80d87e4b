//! Extractors that answer in the API's envelope when a request is malformed or unauthorized.
use super::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use gatehouse::users::{self, Role, StaffUser};
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
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::new(401, "UNAUTHORIZED", "Sign in as an operator to use this endpoint."))?;
        let user = users::user_by_token(&state.engine.db, token.trim())
            .await?
            .ok_or_else(|| ApiError::new(401, "UNAUTHORIZED", "That API token is not valid."))?;
        let device = parts
            .headers
            .get("x-gatehouse-device")
            .and_then(|v| v.to_str().ok())
            .map(|d| d.chars().take(80).collect())
            .unwrap_or_default();
        Ok(Staff { user, device })
    }
}

/// A staff member with the admin role.
pub struct Admin(pub StaffUser);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let staff = Staff::from_request_parts(parts, state).await?;
        if staff.user.role == Role::Admin {
            Ok(Admin(staff.user))
        } else {
            Err(ApiError::new(403, "FORBIDDEN", "This needs an admin account."))
        }
    }
}
