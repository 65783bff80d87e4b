//! Files a ticket holder downloads: the visit as a calendar event, the QR code as a picture.
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use gatehouse::tickets::code::TicketCode;
use gatehouse::tickets::{self, qr};
use gatehouse::tickets::{ReservedSlot, TicketSummary};
use gatehouse::{ics, org};

/// The ticket behind a download link, when it has a reservation; otherwise the answer to send.
async fn reserved_ticket(s: &AppState, code: &str) -> Result<(TicketCode, TicketSummary, ReservedSlot), Response> {
    let code = TicketCode::parse(code).map_err(|_| (StatusCode::BAD_REQUEST, "invalid ticket code").into_response())?;
    let ticket = match tickets::find_by_code(&s.engine.db, &code).await {
        Ok(Some(t)) => t,
        Ok(None) => return Err((StatusCode::NOT_FOUND, "ticket not found").into_response()),
        Err(e) => {
            tracing::error!(error = %e, "download lookup failed");
            return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
        }
    };
    match ticket.reservation.clone() {
        Some(slot) => Ok((code, ticket, slot)),
        None => Err((StatusCode::NOT_FOUND, "this ticket has no reservation").into_response()),
    }
}

fn attachment(content_type: &'static str, filename: &'static str, body: impl IntoResponse) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response()
}

pub async fn visit_ics(State(s): State<AppState>, Path(code): Path<String>) -> Response {
    let (_, ticket, slot) = match reserved_ticket(&s, &code).await {
        Ok(found) => found,
        Err(answer) => return answer,
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
    attachment("text/calendar; charset=utf-8", "visit.ics", body)
}

pub async fn qr_png(State(s): State<AppState>, Path(code): Path<String>) -> Response {
    let code = match reserved_ticket(&s, &code).await {
        Ok((code, ..)) => code,
        Err(answer) => return answer,
    };
    match qr::png(&code) {
        Some(png) => attachment("image/png", "ticket-qr.png", png),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
