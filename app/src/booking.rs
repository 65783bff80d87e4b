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
    #[serde(with = "gatehouse::wire::date")]
    pub today: NaiveDate,
    /// The reservation being changed, when the ticket is already booked.
    pub current: Option<ReservedSlot>,
    /// Email and phone saved on the ticket, once given.
    pub contact: Option<(String, String)>,
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
}

#[server(prefix = "/sfn", endpoint = "booking_step")]
pub async fn booking_step(
    ticket: String,
    manage: Option<String>,
    month: Option<String>,
    date: Option<String>,
    slot: Option<SlotId>,
    edit_contact: bool,
) -> Result<BookingState, AppError> {
    use crate::server::ssr::{engine, no_venue, storage};
    use gatehouse::reservation::ReserveError;
    use gatehouse::slots::calendar;
    use gatehouse::tickets::code::TicketCode;
    use gatehouse::{org, reservation, slots, tickets};
    let engine = engine()?;
    let now = engine.now();
    let code = TicketCode::parse(&ticket)?;
    let t = match reservation::ticket_to_book_or_move(&engine, &code, manage.as_deref()).await {
        Ok(t) => t,
        // The ticket exists but cannot be booked or moved now (booked without its management
        // link, too close to the visit, unpaid, used): the booking form could only lead back
        // here, so the visitor goes to the ticket's page, which says its state in words and
        // offers only what can succeed.
        Err(e) if !matches!(e, ReserveError::TicketNotFound | ReserveError::Storage(_)) => {
            let manage = manage.filter(|_| !matches!(e, ReserveError::ManageTokenInvalid));
            leptos_axum::redirect(&ticket_page(code.as_str(), manage.as_deref()));
            return Err(e.into());
        }
        Err(e) => return Err(e.into()),
    };
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
    Ok(BookingState {
        holder,
        ticket_code: t.ticket_code,
        orq: t.orq,
        current: t.reservation,
        venue: venue.name.clone(),
        address: venue.address.clone(),
        time_zone: gatehouse::wording::zone(&venue.time_zone),
        today,
        contact: if edit_contact {
            None
        } else {
            tickets::contact_of(&engine.db, t.ticket_id).await.map_err(storage)?
        },
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
    })
}

#[server(prefix = "/sfn", endpoint = "save_contact")]
pub async fn save_contact(ticket: String, email: String, phone: String, country: String) -> Result<(), AppError> {
    use crate::server::ssr::{engine, storage};
    use gatehouse::contact::{country as find_country, Email, PhoneE164};
    use gatehouse::tickets::code::TicketCode;
    use gatehouse::{reservation, tickets};
    let engine = engine()?;
    let code = TicketCode::parse(&ticket)?;
    let email = Email::parse(&email)?;
    let phone = match find_country(&country) {
        Some(c) => PhoneE164::parse_national(&phone, c),
        None => PhoneE164::parse(&phone),
    }?;
    if !tickets::save_contact(&engine.db, &code, &email, &phone).await.map_err(storage)? {
        reservation::ticket_for_reservation(&engine.db, &code).await?;
    }
    leptos_axum::redirect(&format!("/reserve?ticket={code}"));
    Ok(())
}

/// Books the slot, or moves the booked visit there when `change` is given (a hidden field of
/// the change form, so a resubmitted booking form can never turn into a change). The ticket
/// page it leads to carries the reservation's management token: that address is the holder's
/// way back to change or cancel.
#[server(prefix = "/sfn", endpoint = "book")]
pub async fn book(
    ticket: String,
    slot: SlotId,
    change: Option<String>,
    manage: Option<String>,
) -> Result<(), AppError> {
    use crate::server::ssr::{engine, storage};
    use gatehouse::reservation::{self, Booking};
    use gatehouse::tickets::{self, code::TicketCode};
    let engine = engine()?;
    let code = TicketCode::parse(&ticket)?;
    if change.is_some() {
        let moved = reservation::reschedule(&engine, &code, manage.as_deref(), slot).await?;
        leptos_axum::redirect(&format!("{}&changed=1", ticket_page(code.as_str(), Some(&moved.manage_token))));
        return Ok(());
    }
    let t = reservation::ticket_for_reservation(&engine.db, &code).await?;
    let (email, phone) = tickets::contact_of(&engine.db, t.ticket_id)
        .await
        .map_err(storage)?
        .ok_or_else(|| AppError::new("CONTACT_MISSING", crate::error::CONTACT_MISSING))?;
    let booking = Booking::parse(code.clone(), Some(t.ticket_id), slot, &email, &phone)?;
    let booked = reservation::reserve(&engine, &booking).await?;
    leptos_axum::redirect(&format!("{}&booked=1", ticket_page(code.as_str(), Some(&booked.manage_token))));
    Ok(())
}

/// Cancels a booked visit; the ticket can be booked again.
#[server(prefix = "/sfn", endpoint = "cancel_visit")]
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
