//! A claimed message made ready to send: its visit or order read as it stands now, its
//! templates filled in, the ticket's signed QR code and calendar file attached. A reminder for
//! a visit that was cancelled or moved meanwhile is not sent.
use super::kind::{Channel, Kind};
use super::message::{Attachment, Email, Inline, Sms};
use super::queue::Claimed;
use super::templates::{TemplateError, Templates, Values};
use super::values::{order_values, visit_values, Links, OrderFacts, Sender, VisitFacts, QR_CID};
use crate::ids::{OrgId, SlotId};
use crate::shop::money::{Currency, Money};
use crate::tickets::code::TicketCode;
use crate::tickets::{qr, signed};
use crate::{ics, on_pool, Engine};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// What a claimed message becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Rendered {
    Email(Email),
    Sms(Sms),
    /// It no longer applies; the reason is kept on the row.
    Skip(String),
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("storage failure: {0}")]
    Storage(#[from] sqlx::Error),
    #[error("{0}")]
    Template(#[from] TemplateError),
    #[error("the ticket could not be signed for its QR code")]
    Signing,
}

pub async fn render(
    engine: &Engine,
    templates: &Templates,
    links: &Links,
    msg: &Claimed,
) -> Result<Rendered, RenderError> {
    if msg.kind == Kind::VerificationCode {
        render_code(engine, templates, msg).await
    } else if msg.kind.is_order() {
        render_order(engine, templates, links, msg).await
    } else {
        render_visit(engine, templates, links, msg).await
    }
}

type VisitRow = (
    String,
    OrgId,
    String,
    SlotId,
    NaiveDate,
    NaiveTime,
    NaiveTime,
    DateTime<Utc>,
    DateTime<Utc>,
    String,
    String,
    String,
);

async fn render_visit(
    engine: &Engine,
    templates: &Templates,
    links: &Links,
    msg: &Claimed,
) -> Result<Rendered, RenderError> {
    let (Some(reservation), Some(slot)) = (msg.reservation_id, msg.slot_id) else {
        return Ok(Rendered::Skip("the message names no reservation".into()));
    };
    // The slot the event was about (a move's new one), not wherever the visit is now.
    let row: Option<VisitRow> = on_pool!(&engine.db, pool => sqlx::query_as(
        "SELECT t.ticket_code, t.orq, r.status, r.slot_id, s.date, s.start_time, s.end_time, s.starts_at, s.ends_at,
                v.name, v.address, v.time_zone
         FROM ticket_reservations r
         JOIN tickets t ON t.id = r.ticket_id
         JOIN reservation_slots s ON s.id = $2
         JOIN venues v ON v.id = s.venue_id
         WHERE r.id = $1")
        .bind(reservation).bind(slot).fetch_optional(pool).await)?;
    let Some((code, orq, status, now_in, date, start_time, end_time, starts_at, ends_at, venue, address, zone)) = row
    else {
        return Ok(Rendered::Skip("the reservation no longer exists".into()));
    };
    let now = engine.now();
    let live_here = status == "RESERVED" && now_in == slot;
    let reminder = matches!(msg.kind, Kind::Reminder24h | Kind::Reminder2h);
    if (reminder || msg.kind == Kind::ManageLink) && !live_here {
        return Ok(Rendered::Skip("the visit was cancelled, moved or used since".into()));
    }
    if reminder && starts_at <= now {
        return Ok(Rendered::Skip("the visit has already started".into()));
    }
    let sender = Sender { name: venue, address, time_zone: zone };
    let visit = VisitFacts { ticket_code: code.clone(), date, start_time, end_time };
    let values = visit_values(
        &sender,
        &visit,
        links,
        msg.secret.as_deref(),
        engine.arrival.advice(),
        engine.change_cutoff.num_hours(),
    );
    if msg.channel == Channel::Sms {
        return Ok(Rendered::Sms(sms(templates, msg, &values)?));
    }
    let (subject, text, html) = templates.email(msg.kind, &values)?;
    // What shows the visit: not a cancellation's.
    let (inline, attachment) = if msg.kind == Kind::Cancelled {
        (None, None)
    } else {
        let ticket = TicketCode::parse(&code).map_err(|_| RenderError::Signing)?;
        let payload = signed::sign_ticket(&engine.db, &ticket, orq, Some(date), now).await.map_err(|e| {
            tracing::error!(error = %e, "signing a ticket for its message failed");
            RenderError::Signing
        })?;
        let png = qr::png(&payload).ok_or(RenderError::Signing)?;
        let calendar = ics::ticket_visit(&code, &sender.name, &sender.address, starts_at, ends_at, now);
        (
            Some(Inline { content_id: QR_CID.into(), content_type: "image/png", bytes: png }),
            Some(Attachment {
                filename: "visit.ics".into(),
                content_type: "text/calendar",
                bytes: calendar.into_bytes(),
            }),
        )
    };
    Ok(email(msg, (subject, text, html), inline, attachment))
}

async fn render_order(
    engine: &Engine,
    templates: &Templates,
    links: &Links,
    msg: &Claimed,
) -> Result<Rendered, RenderError> {
    let Some(order_id) = msg.order_id else {
        return Ok(Rendered::Skip("the message names no order".into()));
    };
    let Some(order) = crate::shop::orders::by_id(&engine.db, msg.orq, order_id).await? else {
        return Ok(Rendered::Skip("the order no longer exists".into()));
    };
    if msg.kind == Kind::OrderReady && order.status != crate::shop::status::OrderStatus::Ready {
        return Ok(Rendered::Skip("the order is no longer waiting for pickup".into()));
    }
    let Some(venue) = crate::org::main_venue(&engine.db, msg.orq).await? else {
        return Ok(Rendered::Skip("the organization has no venue".into()));
    };
    let shop = match crate::shop::catalogue::shop_name(&engine.db, msg.orq).await? {
        name if name.trim().is_empty() => format!("{} shop", venue.name),
        name => name,
    };
    let total = match Currency::parse(&order.currency) {
        Ok(currency) => Money::new(order.total_minor, currency).to_string(),
        Err(_) => format!("{} {}", order.total_minor, order.currency),
    };
    let items: Vec<String> = order.items.iter().map(|i| format!("{} × {}", i.quantity, i.name)).collect();
    let facts = OrderFacts {
        shop,
        code: order.code.clone(),
        customer_name: order.customer_name.clone(),
        items: items.join(", "),
        total,
        pickup_date: order.pickup_date,
        pickup_start: order.pickup_start,
        pickup_end: order.pickup_end,
    };
    let sender = Sender { name: venue.name, address: venue.address, time_zone: venue.time_zone };
    let values = order_values(&sender, &facts, links);
    if msg.channel == Channel::Sms {
        return Ok(Rendered::Sms(sms(templates, msg, &values)?));
    }
    Ok(email(msg, templates.email(msg.kind, &values)?, None, None))
}

async fn render_code(engine: &Engine, templates: &Templates, msg: &Claimed) -> Result<Rendered, RenderError> {
    let (Some(code), Some(venue)) = (msg.secret.as_deref(), crate::org::main_venue(&engine.db, msg.orq).await?) else {
        return Ok(Rendered::Skip("the code or the venue is gone".into()));
    };
    let sender = Sender { name: venue.name, address: venue.address, time_zone: venue.time_zone };
    let minutes = crate::reservation::verify::CODE_LIFETIME.num_minutes();
    let values = super::values::code_values(&sender, code, minutes);
    if msg.channel == Channel::Sms {
        return Ok(Rendered::Sms(sms(templates, msg, &values)?));
    }
    Ok(email(msg, templates.email(msg.kind, &values)?, None, None))
}

/// The e-mail of message `msg`: its subject, text and HTML, and what it carries.
fn email(
    msg: &Claimed,
    (subject, text, html): (String, String, String),
    inline: Option<Inline>,
    attachment: Option<Attachment>,
) -> Rendered {
    Rendered::Email(Email {
        message_id: msg.message_key.clone(),
        to: msg.recipient.clone(),
        subject,
        text,
        html,
        inline,
        attachment,
    })
}

fn sms(templates: &Templates, msg: &Claimed, values: &Values) -> Result<Sms, TemplateError> {
    // Typographic dashes and quotes would make every text UCS-2, at 70 characters a segment.
    let body = super::sms_text::to_gsm7(&templates.sms(msg.kind, values)?);
    Ok(Sms { idempotency_key: msg.message_key.clone(), to: msg.recipient.clone(), body })
}
