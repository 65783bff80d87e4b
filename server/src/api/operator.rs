//! Door and back-office endpoints; they need a staff API token.
use super::error::ApiError;
use super::extract::{Admin, ApiJson, Staff};
use super::ok;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use gatehouse::admission::{self, Door, ScanError, TicketRef};
use gatehouse::error::DomainError;
use gatehouse::ids::{TicketId, UserId};
use gatehouse::tickets::code::TicketCode;
use gatehouse::{slots, tickets};
use serde::Deserialize;
use serde_json::{json, Value};

fn door(staff: &Staff) -> Door {
    Door { operator_id: staff.user.id, orq: staff.user.orq, device: staff.device.clone() }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidateBody {
    /// What the scanner read: a signed QR payload (`GH1:…`) or a ticket code.
    ticket_code: String,
}

pub async fn validate_ticket(
    State(s): State<AppState>,
    staff: Staff,
    ApiJson(body): ApiJson<ValidateBody>,
) -> Result<Json<Value>, ApiError> {
    // A signed QR payload or a typed code; a payload not signed by the organization is refused
    // here, before any look-up, and changes nothing.
    let scanned = admission::scanned_ticket_code(&s.engine.db, staff.user.orq, &body.ticket_code).await;
    if let Err(e @ (ScanError::Signature(_) | ScanError::WrongOrganization)) = &scanned {
        tracing::warn!(code = e.code(), operator = %staff.user.id, device = %staff.device, "refused a scanned ticket");
    }
    let code = scanned?;
    let f = admission::validate_entry(&s.engine, &door(&staff), TicketRef::Code(code.as_str())).await?;
    let r = f.reservation.as_ref();
    Ok(ok(json!({
        "ticket_id": f.ticket_id,
        "ticket_code": f.ticket_code,
        "status": f.status,
        "customer_email": f.customer_email,
        "customer_phone": f.customer_phone,
        "reservation": r.map(|r| json!({
            "date": r.date, "start_time": r.start_time, "end_time": r.end_time, "is_today": r.date == r.venue_today,
            "booked_count": r.booked_count, "total_capacity": r.total_capacity,
        })),
        "validation_status": "VALID",
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    ticket_id: TicketId,
    /// The PRD sends it; the signed-in operator is authoritative, so a different id is refused.
    operator_id: Option<UserId>,
}

pub async fn verify_ticket(
    State(s): State<AppState>,
    staff: Staff,
    ApiJson(body): ApiJson<VerifyBody>,
) -> Result<Json<Value>, ApiError> {
    if body.operator_id.is_some_and(|id| id != staff.user.id) {
        return Err(ApiError::new(403, "OPERATOR_MISMATCH", "operator_id must be the signed-in operator's id."));
    }
    let admitted = admission::verify(&s.engine, &door(&staff), body.ticket_id).await?;
    Ok(ok(json!({
        "ticket_id": admitted.ticket_id,
        "ticket_code": admitted.ticket_code,
        "status": "VERIFIED",
        "verified_at": admitted.verified_at,
        "verified_by": admitted.verified_by,
    })))
}

/// Payment confirmed for a ticket (an admin, or a payment system holding an admin token).
pub async fn activate(
    State(s): State<AppState>,
    Admin(admin): Admin,
    Path(code): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let code = TicketCode::parse(&code)?;
    let ticket = tickets::payment::activate(&s.engine, admin.orq, &code).await?;
    Ok(ok(ticket))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityBody {
    total_capacity: i64,
}

/// An admin changes how many places a slot has (never below what is booked).
pub async fn set_slot_capacity(
    State(s): State<AppState>,
    Admin(admin): Admin,
    Path(slot_id): Path<String>,
    ApiJson(body): ApiJson<CapacityBody>,
) -> Result<Json<Value>, ApiError> {
    let slot_id =
        slot_id.parse().map_err(|_| ApiError::new(400, "INVALID_PARAMETER", "The slot id must be a number."))?;
    let slot = slots::resize::set_capacity(&s.engine, admin.orq, Some(admin.id), slot_id, body.total_capacity).await?;
    Ok(ok(slot))
}
