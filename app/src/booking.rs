//! Server functions of the booking flow: what a step shows, saving contact details, booking.
use crate::error::AppError;
use chrono::NaiveDate;
use gatehouse::ids::{OrgId, SlotId};
use gatehouse::slots::calendar::CalendarDay;
use gatehouse::slots::{Month, SlotAvailability};
use gatehouse::tickets::ReservedSlot;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How far ahead customers can look, in months after the current one.
pub const MONTHS_AHEAD: i32 = 3;

/// Who is going through the flow: the ticket, and for a booked visit the management token that
/// lets its holder move it. Every step's address carries both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Holder {
    pub ticket: String,
    pub manage: Option<String>,
}

impl Holder {
    /// The address of a step of the flow: the ticket and what has been chosen so far.
    pub fn step(&self, month: Option<Month>, date: Option<NaiveDate>, slot: Option<SlotId>) -> String {
        let mut href = format!("/reserve?ticket={}", self.ticket);
        if let Some(m) = &self.manage {
            href.push_str(&format!("&manage={m}"));
        }
        if let Some(m) = month {
            href.push_str(&format!("&month={m}"));
        }
        if let Some(d) = date {
            href.push_str(&format!("&date={d}"));
        }
        if let Some(s) = slot {
            href.push_str(&format!("&slot={s}"));
        }
        href
    }

    /// The ticket page, with the management token when there is one.
    pub fn ticket_page(&self) -> String {
        ticket_page(&self.ticket, self.manage.as_deref())
    }
}

pub fn ticket_page(ticket: &str, manage: Option<&str>) -> String {
    match manage {
        Some(m) => format!("/ticket?code={ticket}&manage={m}"),
        None => format!("/ticket?code={ticket}"),
    }
}

/// What a step of the flow shows, or where the visitor belongs instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Step {
    Show(Box<BookingState>),
    /// The ticket cannot be booked or moved from here (booked already, unpaid, used, too close to
    /// the visit): its own page says its state in words and offers only what can succeed. The
    /// answer redirects there (a page load gets a 302; a hydrated page's call, the redirect hook).
    Elsewhere(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookingState {
    pub ticket_code: String,
    pub holder: Holder,
    /// The ticket's organization, whose slots the page shows.
    pub orq: OrgId,
    pub venue: String,
    pub address: String,
    /// The venue's time zone in words ("New York time"), worded on the server.
    pub time_zone: String,
    /// What the booked time means (enter any time in it, or be there at its start), worded on the server.
    pub arrival: String,
    #[serde(with = "gatehouse::wire::date")]
    pub today: NaiveDate,
    /// The reservation being changed, when the ticket is already booked.
    pub current: Option<ReservedSlot>,
    /// Email and phone saved on the ticket, once given (the phone as people write it).
    pub contact: Option<(String, String)>,
    /// What was typed into the contact form and refused, to show again (`crate::draft`).
    pub draft: Option<crate::draft::ContactDraft>,
    pub month: Month,
    pub previous_month: Option<Month>,
    pub next_month: Option<Month>,
    pub weeks: Vec<Vec<CalendarDay>>,
    #[serde(with = "gatehouse::wire::date::option")]
    pub date: Option<NaiveDate>,
    /// The chosen day's slots.
    pub slots: Vec<SlotAvailability>,
    pub chosen: Option<SlotAvailability>,
    /// Said on the summary when the chosen slot starts inside the change cut-off: once booked,
    /// it cannot be changed. Worded on the server (the client carries no wording it can spare).
    pub final_notice: Option<String>,
    /// The contact's address still to be confirmed with a code, where the organization asks it.
    pub verify: Option<VerifyStep>,
}

/// The code step: where the code went, and why the last one typed was refused (worded on the
/// server from the code in the address).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerifyStep {
    pub email: String,
    pub problem: Option<String>,
}

#[server(prefix = "/sfn", endpoint = "booking_step", output = crate::codec::JsonText)]
pub async fn booking_step(
    ticket: String,
    manage: Option<String>,
    month: Option<String>,
    date: Option<String>,
    slot: Option<SlotId>,
    edit_contact: bool,
    #[server(default)] refused: Option<String>,
) -> Result<Step, AppError> {
    use crate::server::ssr::{engine, no_venue, storage};
    use gatehouse::reservation::ReserveError;
    use gatehouse::slots::calendar;
    use gatehouse::tickets::code::TicketCode;
    use gatehouse::{org, reservation, slots, tickets};
    let engine = engine()?;
    let now = engine.now();
    let code = TicketCode::parse(&ticket)?;
    let elsewhere = |to: String| {
        leptos_axum::redirect(&to);
        Ok(Step::Elsewhere(to))
    };
    let t = match reservation::ticket_to_book_or_move(&engine, &code, manage.as_deref()).await {
        Ok(t) => t,
        // The ticket exists but cannot be booked or moved now (booked without its management
        // link, too close to the visit, unpaid, used): the booking form could only lead back here.
        Err(e) if !matches!(e, ReserveError::TicketNotFound | ReserveError::Storage(_)) => {
            let manage = manage.filter(|_| !matches!(e, ReserveError::ManageTokenInvalid));
            return elsewhere(ticket_page(code.as_str(), manage.as_deref()));
        }
        Err(e) => return Err(e.into()),
    };
    // The visit is already at the chosen time (Back after a change, or a second tab): a summary
    // offering to "move" it there could only fail.
    if slot.is_some() && t.reservation.as_ref().map(|r| r.slot_id) == slot {
        return elsewhere(ticket_page(code.as_str(), manage.as_deref()));
    }
    let venue = org::main_venue(&engine.db, t.orq).await.map_err(storage)?.ok_or_else(no_venue)?;
    let today = venue.today(now);
    let date = date.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()).filter(|d| *d >= today);
    let current = Month::of(today);
    let asked = month.and_then(|m| Month::parse(&m).ok()).or(date.map(Month::of));
    let wanted = match asked {
        Some(m) => m,
        // Nothing chosen yet: open where the first free place is, not on a month of past or full days.
        None => slots::availability::first_bookable_day(&engine.db, t.orq, now)
            .await
            .map_err(storage)?
            .map_or(current, Month::of),
    };
    let month = if (0..=MONTHS_AHEAD).contains(&current.months_until(wanted)) { wanted } else { current };
    let month_slots = slots::availability::month_availability(&engine.db, t.orq, month, now).await.map_err(storage)?;
    let day_slots: Vec<SlotAvailability> = month_slots.iter().filter(|s| Some(s.date) == date).cloned().collect();
    let chosen = slot.and_then(|id| day_slots.iter().find(|s| s.id == id && s.bookable).cloned());
    let chosen_is_final = match &chosen {
        Some(slot) => slots::availability::starts_at(&engine.db, slot.id)
            .await
            .map_err(storage)?
            .is_some_and(|starts_at| !engine.can_still_change(starts_at)),
        None => false,
    };
    let holder = Holder { ticket: t.ticket_code.clone(), manage: t.reservation.as_ref().and(manage) };
    let contact =
        if edit_contact { None } else { tickets::contact_of(&engine.db, t.ticket_id).await.map_err(storage)? };
    let verify = match &contact {
        Some((email, _)) if t.reservation.is_none() => {
            let email = gatehouse::contact::Email::parse(email)?;
            let still = reservation::verify::required(&engine.db, t.orq).await.map_err(storage)?
                && !reservation::verify::is_confirmed(&engine.db, &code, &email, now).await.map_err(storage)?;
            still.then(|| VerifyStep {
                email: email.as_str().to_string(),
                problem: refused.as_deref().and_then(reservation::verify::wording_of).map(str::to_string),
            })
        }
        _ => None,
    };
    Ok(Step::Show(Box::new(BookingState {
        verify,
        holder,
        ticket_code: t.ticket_code,
        orq: t.orq,
        current: t.reservation,
        venue: venue.name.clone(),
        address: venue.address.clone(),
        time_zone: gatehouse::wording::zone(&venue.time_zone),
        arrival: engine.arrival.advice().to_owned(),
        today,
        contact: contact.map(|(email, phone)| (email, gatehouse::contact::for_people(&phone))),
        draft: crate::draft::ssr::recall(code.as_str()),
        month,
        previous_month: (month != current).then(|| month.plus(-1)),
        next_month: (current.months_until(month) < MONTHS_AHEAD).then(|| month.plus(1)),
        weeks: calendar::month_grid(month, today, &slots::day_summaries(&month_slots)),
        date,
        slots: day_slots,
        chosen,
        final_notice: chosen_is_final.then(|| {
            format!(
                "This visit starts within {} hours: once booked, you won't be able to change or cancel it.",
                engine.change_cutoff.num_hours()
            )
        }),
    })))
}

#[server(prefix = "/sfn", endpoint = "save_contact", output = crate::codec::JsonText)]
pub async fn save_contact(
    ticket: String,
    email: String,
    phone: String,
    country: String,
    #[server(default)] date: String,
) -> Result<(), AppError> {
    use crate::draft::{ssr as draft, ContactDraft};
    use crate::server::ssr::{engine, storage};
    use gatehouse::contact::{Email, PhoneE164};
    use gatehouse::tickets::code::TicketCode;
    use gatehouse::{reservation, tickets};
    let engine = engine()?;
    let code = TicketCode::parse(&ticket)?;
    let parsed = Email::parse(&email).and_then(|email| Ok((email, PhoneE164::parse_with_country(&phone, &country)?)));
    let (email, phone) = match parsed {
        Ok(valid) => valid,
        Err(e) => {
            draft::remember(code.as_str(), ContactDraft { email, phone, country });
            return Err(e.into());
        }
    };
    if !tickets::save_contact(&engine.db, &code, &email, &phone).await.map_err(storage)? {
        reservation::ticket_for_reservation(&engine.db, &code).await?;
    }
    draft::forget();
    // A day chosen before this step (on the start page): the calendar opens on it.
    let day = gatehouse::wire::parse_date(&date).map(|d| format!("&date={d}")).unwrap_or_default();
    let ticket = tickets::find_by_code(&engine.db, &code).await.map_err(storage)?;
    let orq = ticket.map(|t| t.orq);
    let mut refused = String::new();
    if let Some(orq) = orq {
        if reservation::verify::required(&engine.db, orq).await.map_err(storage)?
            && !reservation::verify::is_confirmed(&engine.db, &code, &email, engine.now()).await.map_err(storage)?
        {
            if let Err(e) = reservation::verify::send_code(&engine, &code, &email).await {
                refused = format!("&refused={}", gatehouse::error::DomainError::code(&e));
            }
        }
    }
    leptos_axum::redirect(&format!("/reserve?ticket={code}{day}{refused}"));
    Ok(())
}

/// Checks the code sent to the contact's address. A plain form posts it (with or without
/// JavaScript), so the answer is a redirect: on to the calendar, or back with the refusal's code.
#[server(prefix = "/sfn", endpoint = "confirm_contact", output = crate::codec::JsonText)]
pub async fn confirm_contact(ticket: String, code: String, #[server(default)] date: String) -> Result<(), AppError> {
    use crate::server::ssr::engine;
    use gatehouse::tickets::code::TicketCode;
    let engine = engine()?;
    let ticket_code = TicketCode::parse(&ticket)?;
    let day = gatehouse::wire::parse_date(&date).map(|d| format!("&date={d}")).unwrap_or_default();
    let refused = match saved_email(&engine, &ticket_code).await? {
        None => "&refused=VERIFICATION_CODE_MISSING".to_string(),
        Some(email) => match gatehouse::reservation::verify::check_code(&engine, &ticket_code, &email, &code).await {
            Ok(()) => String::new(),
            Err(e) => format!("&refused={}", gatehouse::error::DomainError::code(&e)),
        },
    };
    leptos_axum::redirect(&format!("/reserve?ticket={ticket_code}{day}{refused}"));
    Ok(())
}

/// The e-mail address saved on ticket `code` by the contact step.
#[cfg(feature = "ssr")]
async fn saved_email(
    engine: &gatehouse::Engine,
    code: &gatehouse::tickets::code::TicketCode,
) -> Result<Option<gatehouse::contact::Email>, AppError> {
    use crate::server::ssr::storage;
    let Some(ticket) = gatehouse::tickets::find_by_code(&engine.db, code).await.map_err(storage)? else {
        return Ok(None);
    };
    match gatehouse::tickets::contact_of(&engine.db, ticket.ticket_id).await.map_err(storage)? {
        Some((email, _)) => Ok(Some(gatehouse::contact::Email::parse(&email)?)),
        None => Ok(None),
    }
}

/// Sends a new code to the contact's address (a plain form, as [`confirm_contact`]).
#[server(prefix = "/sfn", endpoint = "resend_contact_code", output = crate::codec::JsonText)]
pub async fn resend_contact_code(ticket: String, #[server(default)] date: String) -> Result<(), AppError> {
    use crate::server::ssr::engine;
    use gatehouse::tickets::code::TicketCode;
    let engine = engine()?;
    let ticket_code = TicketCode::parse(&ticket)?;
    let day = gatehouse::wire::parse_date(&date).map(|d| format!("&date={d}")).unwrap_or_default();
    let refused = match saved_email(&engine, &ticket_code).await? {
        None => "&refused=VERIFICATION_CODE_MISSING".to_string(),
        Some(email) => match gatehouse::reservation::verify::send_code(&engine, &ticket_code, &email).await {
            Ok(()) => "&refused=VERIFICATION_CODE_SENT".to_string(),
            Err(e) => format!("&refused={}", gatehouse::error::DomainError::code(&e)),
        },
    };
    leptos_axum::redirect(&format!("/reserve?ticket={ticket_code}{day}{refused}"));
    Ok(())
}

/// A phone number checked as the contact form's field is left: the numbering plans live on the
/// server. The number as people write it, or why it cannot be dialled.
#[server(prefix = "/sfn", endpoint = "check_phone", output = crate::codec::JsonText)]
pub async fn check_phone(phone: String, country: String) -> Result<String, AppError> {
    Ok(gatehouse::contact::PhoneE164::parse_with_country(&phone, &country)?.for_people())
}

/// Books the slot, or moves the booked visit there when `change` is given (a hidden field of
/// the change form, so a resubmitted booking form can never turn into a change). The ticket
/// page it leads to carries the reservation's management token: that address is the holder's
/// way back to change or cancel.
#[server(prefix = "/sfn", endpoint = "book", output = crate::codec::JsonText)]
pub async fn book(
    ticket: String,
    slot: SlotId,
    change: Option<String>,
    manage: Option<String>,
) -> Result<(), AppError> {
    use crate::server::ssr::{engine, storage};
    use gatehouse::reservation::{self, Booking, ReserveError};
    use gatehouse::tickets::{self, code::TicketCode};
    let engine = engine()?;
    let code = TicketCode::parse(&ticket)?;
    // Booked meanwhile (in another tab, or by Back and Confirm again): not an error to show but
    // a page to go to, the ticket's, which shows the visit as it now stands and only what can
    // still be done with it. (A redirect answered with an error is not followed by the client.)
    let already = |e: &ReserveError| matches!(e, ReserveError::TicketAlreadyReserved { .. } | ReserveError::SameSlot);
    let go = |to: String| {
        leptos_axum::redirect(&to);
        Ok(())
    };
    let to_ticket = || go(format!("{}&already=1", ticket_page(code.as_str(), manage.as_deref())));
    if change.is_some() {
        return match reservation::reschedule(&engine, &code, manage.as_deref(), slot).await {
            Ok(moved) => go(format!("{}&changed=1", ticket_page(code.as_str(), Some(&moved.manage_token)))),
            Err(e) if already(&e) => to_ticket(),
            Err(e) => Err(e.into()),
        };
    }
    let t = match reservation::ticket_for_reservation(&engine.db, &code).await {
        Ok(t) => t,
        Err(e) if already(&e) => return to_ticket(),
        Err(e) => return Err(e.into()),
    };
    let (email, phone) = tickets::contact_of(&engine.db, t.ticket_id)
        .await
        .map_err(storage)?
        .ok_or_else(|| AppError::new("CONTACT_MISSING", crate::error::CONTACT_MISSING))?;
    let booking = Booking::parse(code.clone(), Some(t.ticket_id), slot, &email, &phone)?;
    match reservation::reserve(&engine, &booking).await {
        Ok(booked) => go(format!("{}&booked=1", ticket_page(code.as_str(), Some(&booked.manage_token)))),
        Err(e) if already(&e) => to_ticket(),
        Err(e) => Err(e.into()),
    }
}

/// Cancels a booked visit; the ticket can be booked again.
#[server(prefix = "/sfn", endpoint = "cancel_visit", output = crate::codec::JsonText)]
pub async fn cancel_visit(ticket: String, manage: Option<String>) -> Result<(), AppError> {
    use crate::server::ssr::engine;
    use gatehouse::reservation;
    use gatehouse::tickets::code::TicketCode;
    let engine = engine()?;
    let code = TicketCode::parse(&ticket)?;
    reservation::cancel(&engine, &code, manage.as_deref()).await?;
    leptos_axum::redirect(&format!("/ticket?code={code}&cancelled=1"));
    Ok(())
}

/// "Send me my management link": a new link goes to the e-mail address the visit was booked
/// with. The answer is the same whether or not the ticket has a booking.
#[server(prefix = "/sfn", endpoint = "send_manage_link", output = crate::codec::JsonText)]
pub async fn send_manage_link(ticket: String) -> Result<(), AppError> {
    use crate::server::ssr::{engine, storage};
    use gatehouse::tickets::code::TicketCode;
    let engine = engine()?;
    let code = TicketCode::parse(&ticket)?;
    gatehouse::reservation::link::send_manage_link(&engine, &code).await.map_err(storage)?;
    leptos_axum::redirect(&format!("/ticket?code={code}&link=sent"));
    Ok(())
}
