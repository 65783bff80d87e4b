//! A ticket's status page, reached from the start page's form or a link with `?code=`.
use super::brand::{VenueBrand, VenueName};
use super::contact_form::EmailAddress;
use super::ticket_code_field::{about_the_code, TicketCodeField};
use crate::booking::{ticket_page, CancelVisit};
use crate::server::{lookup_ticket, TicketView};
use crate::title::PageTitle;
use gatehouse::tickets::lifecycle::TicketStatus;
use gatehouse::wording::{self, time_range};
use leptos::either::{Either, EitherOf3};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TicketStatusPage() -> impl IntoView {
    let query = use_query_map();
    let code = move || query.with(|q| q.get("code").unwrap_or_default());
    let manage = move || query.with(|q| q.get("manage")).filter(|m| !m.is_empty());
    let flag = move |key: &str| query.with(|q| matches!(q.get(key).as_deref(), Some("1" | "sent")));
    let cancel = ServerAction::<CancelVisit>::new();
    // Cancelling redirects to this same page: its version forces a fresh look-up.
    let summary = Resource::new(
        move || (code(), manage(), cancel.version().get()),
        |(code, manage, _)| lookup_ticket(code, manage),
    );
    let venue = VenueName::of_portal();
    view! {
        <PageTitle text="Your ticket"/>
        <section class="card">
            <Suspense fallback=|| view! { <h1>"Your ticket"</h1><p>"Looking it up…"</p> }>
                {move || Suspend::new(async move {
                    let found = summary.await;
                    let brand = match &found {
                        Ok(v) => Either::Left(view! { <p class="brand no-print">{v.venue.clone()}</p> }),
                        Err(_) => {
                            let name = venue.name().await;
                            Either::Right(view! { <VenueBrand name/> })
                        }
                    };
                    let page = match found {
                        Ok(v) if flag("cancel") && v.changeable && v.manageable => EitherOf3::A(view! { <CancelForm view=v action=cancel/> }),
                        Ok(v) => EitherOf3::B(view! {
                            <Notice view=v.clone() booked=flag("booked") changed=flag("changed") cancelled=flag("cancelled") already=flag("already") link=flag("link")/>
                            <TicketDetails view=v/>
                        }),
                        Err(e) => EitherOf3::C(view! {
                            {(!about_the_code(&e)).then(|| view! { <p class="problem" role="alert">{e.message.clone()}</p> })}
                            <form method="get" action="/ticket" class="stack">
                                <TicketCodeField name="code" value=code() refused=about_the_code(&e).then_some(e.message)/>
                                <button type="submit">"Look up"</button>
                            </form>
                        }),
                    };
                    view! { {brand} <h1>"Your ticket"</h1> {page} }
                })}
            </Suspense>
            <p><a href="/">"Back to the start page"</a></p>
        </section>
    }
}

/// What just happened, after a booking, a change or a cancellation redirected here (never on a
/// plain look-up).
#[component]
fn Notice(view: TicketView, booked: bool, changed: bool, cancelled: bool, already: bool, link: bool) -> impl IntoView {
    let status = view.ticket.status;
    // A booking or change sent from a page that was out of date (Back, a second tab).
    let already = already && status == TicketStatus::Reserved;
    let confirmed = match (status == TicketStatus::Reserved, changed, booked) {
        (true, true, _) => Some("✓ Your visit has been moved"),
        (true, false, true) => Some("✓ Reservation confirmed"),
        _ => None,
    };
    let cancelled = cancelled && status == TicketStatus::Activated;
    view! {
        {already.then(|| view! {
            <p class="notice" role="status">"This ticket was already booked, perhaps in another tab or window. Here is its visit as it stands."</p>
        })}
        {confirmed.map(|text| view! {
            <p class="ok confirmed" role="status">{text}</p>
            {view.confirmation.clone().map(|sent| view! { <p class="notice sent">{sent}</p> })}
        })}
        {link.then(|| view! {
            <p class="notice" role="status">"If this ticket has a booking, a new management link is on its way to the e-mail address it was booked with. Links sent before it no longer work."</p>
        })}
        {cancelled.then(|| view! {
            <p class="ok" role="status">"Your reservation is cancelled. Your ticket is still valid: book another time whenever you like."</p>
        })}
    }
}

#[component]
fn TicketDetails(view: TicketView) -> impl IntoView {
    let t = view.ticket;
    let reserved = t.status == TicketStatus::Reserved;
    let code = t.ticket_code.clone();
    let page = ticket_page(&code, view.manage.as_deref());
    // A reserved ticket prints as its card (`/tickets/{code}/card.png`): what is not on the card
    // is `no-print`, and style/main.css lays the rest out in the card's order.
    view! {
        <div class=if reserved { "ticket-card" } else { "ticket" }>
            {view.qr_svg.map(|svg| view! {
                <div class="qr" role="img" aria-label=format!("QR code of ticket {}", t.ticket_code) inner_html=svg></div>
            })}
            <dl class="facts">
                <dt>"Code"</dt><dd class="code">{t.ticket_code.clone()}</dd>
                <dt class="no-print">"Status"</dt><dd class="no-print"><span class="status">{wording::ticket_status(t.status)}</span></dd>
                {t.reservation.clone().map(|r| view! {
                    <dt>"Date"</dt><dd class="date">{wording::full_date(r.date)}</dd>
                    <dt>"Time"</dt><dd class="time">{time_range(r.start_time, r.end_time)}<span class="zone">" ("{view.time_zone.clone()}")"</span></dd>
                    <dt>"Where"</dt><dd class="where">{view.venue.clone()}<span class="no-print">", "{view.address.clone()}</span></dd>
                })}
                {view.contact.clone().map(|(email, phone)| view! {
                    <dt class="no-print">"Contact"</dt><dd class="no-print"><EmailAddress address=email/><br/>{phone}</dd>
                })}
            </dl>
        </div>
        <p>{view.explanation}</p>
        {reserved.then(|| view! {
            <div class="actions no-print">
                <a class="button secondary" href=format!("/tickets/{code}/visit.ics") download="visit.ics">"Add to calendar (.ics)"</a>
                <a class="button secondary" href=format!("/tickets/{code}/card.png") download=format!("ticket-{code}.png")>"Save ticket card (PNG)"</a>
                <PrintButton/>
            </div>
            <section class="manage no-print" aria-labelledby="manage-title">
                <h2 id="manage-title">"Change of plans?"</h2>
                <p class="muted">{view.manage_note}</p>
                {(view.changeable && !view.manageable).then(|| view! { <SendLinkForm code=code.clone()/> })}
                {(view.changeable && view.manageable).then(|| view! {
                    <div class="actions">
                        <a class="button secondary" href=format!("/reserve?ticket={code}&manage={}", view.manage.clone().unwrap_or_default())>"Change date or time"</a>
                        <a class="button destructive" href=format!("{page}&cancel=1")>"Cancel reservation"</a>
                    </div>
                })}
            </section>
        })}
        {(t.status == TicketStatus::Activated).then(|| view! {
            <p><a class="button" href=format!("/reserve?ticket={}", t.ticket_code)>"Book a date and time"</a></p>
        })}
    }
}

/// "Send me my management link", for a visitor without it. A plain form: the answer is a
/// redirect to this page, which then says what happened; the page's code carries nothing for it.
#[component]
fn SendLinkForm(code: String) -> impl IntoView {
    view! {
        <form method="post" action="/sfn/send_manage_link" class="actions">
            <input type="hidden" name="ticket" value=code/>
            <button type="submit" class="secondary">"E-mail me the management link"</button>
        </form>
    }
}

/// Printing needs JavaScript; without it the browser's own Print command does the same.
#[component]
fn PrintButton() -> impl IntoView {
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        {move || hydrated.get().then(|| view! {
            <button type="button" class="secondary" on:click=|_| { let _ = window().print(); }>"Print ticket"</button>
        })}
        <noscript><p class="muted">"To print, use your browser's Print command."</p></noscript>
    }
}

/// Asks before cancelling: a cancelled visit's place goes back on sale at once.
#[component]
fn CancelForm(view: TicketView, action: ServerAction<CancelVisit>) -> impl IntoView {
    let t = view.ticket;
    let code = t.ticket_code.clone();
    let back = ticket_page(&code, view.manage.as_deref());
    let when = t.reservation.map(|r| wording::visit(r.date, r.start_time, r.end_time)).unwrap_or_default();
    view! {
        <h2>"Cancel your visit?"</h2>
        <p>"Your visit on "<strong>{when}</strong>" will be cancelled and its place offered to others. "
           "Your ticket stays valid: you can book another time later."</p>
        {move || action.value().get().and_then(Result::err).map(|e| view! { <p class="problem" role="alert">{e.message}</p> })}
        <ActionForm action=action attr:class="actions">
            <input type="hidden" name="ticket" value=code.clone()/>
            <input type="hidden" name="manage" value=view.manage.clone().unwrap_or_default()/>
            <a class="button secondary" href=back>"Keep my reservation"</a>
            <button type="submit" class="danger" disabled=move || action.pending().get()>"Yes, cancel it"</button>
        </ActionForm>
    }
}

/// The page's sentences, worded on the server: the browser's code carries none of them.
#[cfg(feature = "ssr")]
pub mod words {
    use gatehouse::slots::arrival::Arrival;
    use gatehouse::tickets::lifecycle::TicketStatus;

    /// The ticket's state in a sentence; once a time is booked, when to come in.
    pub fn explanation(status: TicketStatus, arrival: Arrival) -> String {
        match status {
            TicketStatus::PendingPayment => "This ticket is not activated yet. Please complete payment.".into(),
            TicketStatus::Activated => "Paid and ready: choose a date and time for your visit.".into(),
            TicketStatus::Reserved => {
                format!("Reserved. Show the QR code at the entrance on the day. {}", arrival.advice())
            }
            TicketStatus::Verified => "Used: this ticket has been admitted.".into(),
            TicketStatus::Expired => "This ticket has expired.".into(),
        }
    }

    /// Where the booking's confirmation went, said plainly: sent, on its way, kept in the
    /// venue's local mailbox because nothing sends e-mail, or failed.
    pub fn confirmation(message: &gatehouse::notify::outbox::Listed, email_leaves: bool) -> String {
        use gatehouse::notify::kind::Delivery;
        let to = &message.recipient;
        let kept = message.transport.as_deref() == Some("mailbox") || !email_leaves;
        match message.status {
            _ if kept => format!(
                "This booking site is not set up to send e-mail, so no confirmation went to {to}: keep this page's \
                 address, or save the ticket card, to come back."
            ),
            Delivery::Sent => format!("Confirmation sent to {to}."),
            Delivery::Pending => format!("A confirmation is on its way to {to}."),
            Delivery::Failed | Delivery::Skipped => format!(
                "We could not send the confirmation to {to}: keep this page's address, or save the ticket card, \
                 to come back."
            ),
        }
    }

    /// What a visitor can do about a change of plans: with the management link, until the
    /// cut-off; without it, how to get it; after the cut-off, that it is too late.
    pub fn manage_note(changeable: bool, manageable: bool, cutoff_hours: i64) -> String {
        match (changeable, manageable) {
            (true, true) => format!(
                "This page's address is your management link: keep it to come back. You can change or \
                 cancel until {cutoff_hours} hours before your visit."
            ),
            (true, false) => "To change or cancel this visit, open the management link: the address of the page \
                shown right after booking. The ticket code alone cannot change a visit, so a photo of the QR code \
                is not enough for anyone else to do it. Lost the link? We can e-mail a new one to the address \
                this visit was booked with."
                .into(),
            (false, _) => format!(
                "Changes and cancellations close {cutoff_hours} hours before the visit, so this reservation can \
                 no longer be changed."
            ),
        }
    }
}
