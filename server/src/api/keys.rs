//! Ticket-signing keys: their public halves for scanners (any staff token), rotation and
//! retirement for admins. Secret keys are never answered.
use super::error::ApiError;
use super::extract::{Admin, Staff};
use super::ok;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use gatehouse::ids::SigningKeyId;
use gatehouse::tickets::signed::{self, keys};
use serde_json::{json, Value};

/// The public keys that verify the organization's tickets, for scanners to keep and check
/// QR codes with offline. Includes the key that signs now (made on first use).
pub async fn list(State(s): State<AppState>, staff: Staff) -> Result<Json<Value>, ApiError> {
    keys::active_key(&s.engine.db, staff.user.orq, s.engine.now()).await?;
    Ok(ok(signed::public_keys(&s.engine.db, staff.user.orq).await?))
}

/// A new key signs from now on; the earlier ones keep verifying until retired.
pub async fn rotate(State(s): State<AppState>, Admin(admin): Admin) -> Result<Json<Value>, ApiError> {
    let key = signed::rotate(&s.engine.db, admin.orq, Some(admin.id), s.engine.now()).await?;
    tracing::info!(orq = %admin.orq, key_id = %key.key_id, by = %admin.id, "ticket-signing key rotated");
    Ok(ok(key))
}

/// QR codes signed by this key are refused from now on (their codes, typed, still work).
pub async fn retire(
    State(s): State<AppState>,
    Admin(admin): Admin,
    Path(key_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let key_id: SigningKeyId =
        key_id.parse().map_err(|_| ApiError::new(400, "INVALID_PARAMETER", "The key id must be a number."))?;
    signed::retire(&s.engine.db, admin.orq, Some(admin.id), key_id, s.engine.now()).await?;
    tracing::info!(orq = %admin.orq, key_id = %key_id, by = %admin.id, "ticket-signing key retired");
    Ok(ok(json!({ "key_id": key_id, "retired": true })))
}
