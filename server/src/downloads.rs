//! Files a ticket holder downloads: the visit as a calendar event.
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use gatehouse::ticket_code::TicketCode;
use gatehouse::{ics, org, tickets};

pub async fn visit_ics(State(s): State<AppState>, Path(code): Path<String>) -> Response {
    let Ok(code) = TicketCode::parse(&code) else {
        return (StatusCode::BAD_REQUEST, "invalid ticket code").into_response();
    };
    let ticket = match tickets::find_by_code(&s.engine.db, &code).await {
        Ok(Some(t)) => t,
        Ok(None) => return (StatusCode::NOT_FOUND, "ticket not found").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "visit.ics lookup failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let Some(slot) = ticket.reservation else {
        return (StatusCode::NOT_FOUND, "this ticket has no reservation").into_response();
    };
    let venue = match org::main_venue(&s.engine.db, ticket.orq).await {
        Ok(Some(v)) => v,
        _ => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let uid = format!("{}@gatehouse", ticket.ticket_code);
    let description = format!("Ticket {}. Show its QR code at the entrance.", ticket.ticket_code);
    let title = format!("Visit: {}", venue.name);
    let body = ics::event(&ics::Visit {
        uid: &uid,
        title: &title,
        location: &venue.address,
        description: &description,
        starts_at: slot.starts_at,
        ends_at: slot.ends_at,
        stamped_at: s.engine.now(),
    });
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"visit.ics\""),
        ],
        body,
    )
        .into_response()
}
