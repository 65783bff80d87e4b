//! Server functions: public endpoints that authorize, parse, call one core operation, map errors.
use crate::error::AppError;
use chrono::NaiveDate;
use gatehouse::slots::DaySummary;
use gatehouse::tickets::TicketSummary;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartPage {
    pub organization: String,
    pub venue: String,
    pub address: String,
    /// "Open Tuesday–Sunday, 10:00 AM–6:00 PM (New York time)", as the coming weeks' slots make
    /// it; `None` without slots. Worded on the server.
    pub opening_hours: Option<String>,
    #[serde(with = "gatehouse::wire::date")]
    pub today: NaiveDate,
    pub days: Vec<DaySummary>,
}

#[server(prefix = "/sfn", endpoint = "venue_overview", output = crate::codec::JsonText)]
pub async fn venue_overview() -> Result<StartPage, AppError> {
    use gatehouse::slots;
    let engine = ssr::engine()?;
    let now = engine.now();
    let (organization, venue) = ssr::main_venue(&engine).await?;
    let today = venue.today(now);
    // The start page looks a week ahead.
    let to = today + chrono::Duration::days(7);
    let slots = slots::availability::availability_between(&engine.db, organization.id, today, to, now)
        .await
        .map_err(ssr::storage)?;
    // Four weeks show each weekday four times: a day closed once does not close its weekday.
    let hours_to = today + chrono::Duration::days(28);
    let opening = slots::availability::day_hours_between(&engine.db, organization.id, today, hours_to)
        .await
        .map_err(ssr::storage)?;
    let zone = gatehouse::wording::zone(&venue.time_zone);
    let opening_hours = slots::hours::opening_hours(&opening).map(|hours| format!("{hours} ({zone})"));
    Ok(StartPage {
        organization: organization.name,
        venue: venue.name,
        address: venue.address,
        opening_hours,
        today,
        days: slots::day_summaries(&slots),
    })
}

/// The venue's name, which every portal page shows: the pages whose own data does not carry it
/// (the ticket entry, a refused look-up, a missing page) take it from here.
#[server(prefix = "/sfn", endpoint = "venue_name", output = crate::codec::JsonText)]
pub async fn venue_name() -> Result<String, AppError> {
    let engine = ssr::engine()?;
    let (_, venue) = ssr::main_venue(&engine).await?;
    Ok(venue.name)
}

/// A ticket as its holder sees it, with the QR code to show at the door once reserved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TicketView {
    pub ticket: TicketSummary,
    /// The QR code of the ticket's signed payload (`gatehouse::tickets::signed`).
    pub qr_svg: Option<String>,
    pub venue: String,
    pub address: String,
    /// The venue's time zone in words ("New York time"), worded on the server.
    pub time_zone: String,
    /// The ticket's state in a sentence, with when to come in once a time is booked.
    pub explanation: String,
    /// Whether the caller holds the reservation's management token (from the booking's link).
    pub manageable: bool,
    /// The token itself, for the page's own links, when it was valid.
    pub manage: Option<String>,
    /// Email and phone of the reservation: in full with the token, masked without.
    pub contact: Option<(String, String)>,
    /// Whether the reservation may still be changed or cancelled.
    pub changeable: bool,
    /// What this visitor can do about a change of plans, and until when.
    pub manage_note: String,
    /// Where the booking's confirmation went ("Confirmation sent to …"), for its holder only.
    pub confirmation: Option<String>,
}

#[server(prefix = "/sfn", endpoint = "lookup_ticket", output = crate::codec::JsonText)]
pub async fn lookup_ticket(code: String, manage: Option<String>) -> Result<TicketView, AppError> {
    use gatehouse::tickets::lifecycle::TicketStatus;
    use gatehouse::{contact, reservation, tickets};
    let engine = ssr::engine()?;
    let code = gatehouse::tickets::code::TicketCode::parse(&code)?;
    let ticket = tickets::find_by_code(&engine.db, &code)
        .await
        .map_err(ssr::storage)?
        .ok_or_else(|| AppError::from(gatehouse::reservation::ReserveError::TicketNotFound))?;
    let venue =
        gatehouse::org::main_venue(&engine.db, ticket.orq).await.map_err(ssr::storage)?.ok_or_else(ssr::no_venue)?;
    let reserved = ticket.status == TicketStatus::Reserved;
    let manageable = match manage.as_deref().filter(|m| reserved && !m.is_empty()) {
        Some(m) => reservation::may_manage(&engine.db, ticket.ticket_id, m).await.map_err(ssr::storage)?,
        None => false,
    };
    let contact =
        tickets::contact_of(&engine.db, ticket.ticket_id).await.map_err(ssr::storage)?.filter(|_| reserved).map(
            |(email, phone)| {
                if manageable {
                    (email, contact::for_people(&phone))
                } else {
                    contact::masked(&email, &phone)
                }
            },
        );
    // Signed from the ticket as it stands, so a changed visit's QR code carries its new date.
    let qr_svg = match ticket.reservation.as_ref().filter(|_| reserved) {
        Some(slot) => {
            let payload = tickets::signed::sign_ticket(&engine.db, &code, ticket.orq, Some(slot.date), engine.now())
                .await
                .map_err(ssr::storage)?;
            tickets::qr::svg(&payload)
        }
        None => None,
    };
    let changeable = reserved && ticket.reservation.as_ref().is_some_and(|r| engine.can_still_change(r.starts_at));
    let confirmation = if manageable {
        let sent =
            gatehouse::notify::outbox::latest_about_visit(&engine.db, ticket.ticket_id).await.map_err(ssr::storage)?;
        sent.as_ref().map(|m| crate::portal::ticket::words::confirmation(m, engine.messages.email_leaves))
    } else {
        None
    };
    Ok(TicketView {
        confirmation,
        explanation: crate::portal::ticket::words::explanation(ticket.status, engine.arrival),
        ticket,
        manageable,
        manage: manage.filter(|_| manageable),
        contact,
        changeable,
        manage_note: crate::portal::ticket::words::manage_note(
            changeable,
            manageable,
            engine.change_cutoff.num_hours(),
        ),
        qr_svg,
        venue: venue.name.clone(),
        address: venue.address.clone(),
        time_zone: gatehouse::wording::zone(&venue.time_zone),
    })
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::AppError;
    use gatehouse::{org, Engine};
    use leptos::prelude::use_context;
    use std::net::{IpAddr, Ipv4Addr};

    pub fn engine() -> Result<Engine, AppError> {
        use_context::<Engine>().ok_or_else(AppError::unavailable)
    }

    /// The client's address as the server worked it out (behind trusted proxies, from
    /// `X-Forwarded-For`), put on each request by its middleware.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct ClientAddress(pub IpAddr);

    /// The address of the client being answered; unspecified when served without one (tests that
    /// call the router directly).
    pub fn client_address() -> IpAddr {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<ClientAddress>().copied())
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ClientAddress(ip)| ip)
    }

    /// Storage details go to the log, never to the client.
    pub fn storage(e: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %e, "storage failure in a server function");
        AppError::unavailable()
    }

    /// The organization the portal serves and its main venue.
    pub async fn main_venue(engine: &Engine) -> Result<(org::Organization, org::Venue), AppError> {
        let organization = org::default_organization(&engine.db).await.map_err(storage)?.ok_or_else(no_venue)?;
        let venue = org::main_venue(&engine.db, organization.id).await.map_err(storage)?.ok_or_else(no_venue)?;
        Ok((organization, venue))
    }

    pub fn no_venue() -> AppError {
        AppError::new(
            "NO_VENUE",
            "No venue is set up yet. An administrator can load the demo with `gatehouse seed-demo`.",
        )
        .with_status(503)
    }
}
