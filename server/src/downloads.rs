//! Files a ticket holder downloads: the visit as a calendar event, the ticket card and the bare QR
//! code as pictures.
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use gatehouse::org::Venue;
use gatehouse::tickets::card::Card;
use gatehouse::tickets::code::TicketCode;
use gatehouse::tickets::signed::{self, SignedTicket};
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

/// A reserved ticket with its venue (for the files that describe the visit); otherwise the answer
/// to send.
async fn reserved_visit(
    s: &AppState,
    code: &str,
) -> Result<(TicketCode, TicketSummary, ReservedSlot, Venue), Response> {
    let (code, ticket, slot) = reserved_ticket(s, code).await?;
    match org::main_venue(&s.engine.db, ticket.orq).await {
        Ok(Some(venue)) => Ok((code, ticket, slot, venue)),
        Ok(None) => Err(StatusCode::INTERNAL_SERVER_ERROR.into_response()),
        Err(e) => {
            tracing::error!(error = %e, "download venue lookup failed");
            Err(StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
    }
}

/// What the ticket's QR code carries now: signed, with its reserved date as it stands.
async fn signed_payload(
    s: &AppState,
    code: &TicketCode,
    ticket: &TicketSummary,
    slot: &ReservedSlot,
) -> Result<SignedTicket, Response> {
    signed::sign_ticket(&s.engine.db, code, ticket.orq, Some(slot.date), s.engine.now()).await.map_err(|e| {
        tracing::error!(error = %e, "signing a ticket for download failed");
        StatusCode::INTERNAL_SERVER_ERROR.into_response()
    })
}

fn attachment(content_type: &'static str, filename: &str, body: impl IntoResponse) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response()
}

pub async fn visit_ics(State(s): State<AppState>, Path(code): Path<String>) -> Response {
    let (_, ticket, slot, venue) = match reserved_visit(&s, &code).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let body = ics::ticket_visit(
        &ticket.ticket_code,
        &venue.name,
        &venue.address,
        slot.starts_at,
        slot.ends_at,
        s.engine.now(),
    );
    attachment("text/calendar; charset=utf-8", "visit.ics", body)
}

pub async fn qr_png(State(s): State<AppState>, Path(code): Path<String>) -> Response {
    let (code, ticket, slot) = match reserved_ticket(&s, &code).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let payload = match signed_payload(&s, &code, &ticket, &slot).await {
        Ok(p) => p,
        Err(answer) => return answer,
    };
    match qr::png(&payload) {
        Some(png) => attachment("image/png", "ticket-qr.png", png),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

pub async fn card_png(State(s): State<AppState>, Path(code): Path<String>) -> Response {
    let (code, ticket, slot, venue) = match reserved_visit(&s, &code).await {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let payload = match signed_payload(&s, &code, &ticket, &slot).await {
        Ok(p) => p,
        Err(answer) => return answer,
    };
    let card = Card::for_visit(&venue, &slot);
    let filename = format!("ticket-{}.png", code.as_str());
    // Drawing text and compressing the picture take milliseconds of CPU: off the async workers.
    match tokio::task::spawn_blocking(move || card.png(&payload)).await {
        Ok(Some(png)) => attachment("image/png", &filename, png),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
