//! The management token: what changing, cancelling and the full contact details need.
use super::ticket_page;
use crate::support::{backend_tests, code_of, Backend, TestApp};
use gatehouse::ids::{SlotId, TicketId};
use gatehouse::tickets::code::TicketCode;
use serde_json::json;

/// A ticket booked three days ahead at 12:00 with its management token, and the slot a day
/// later it might be moved to.
struct Managed {
    ticket: TicketId,
    code: TicketCode,
    slot: SlotId,
    other: SlotId,
    manage: String,
}

async fn a_managed_booking(app: &TestApp) -> Managed {
    let (ticket, code) = app.ticket("ACTIVATED").await;
    let (slot, other) = (app.slot(3, 12).await, app.slot(4, 12).await);
    let manage = app.reserve_managed(ticket, slot).await;
    Managed { ticket, code, slot, other, manage }
}

impl Managed {
    /// The ticket's status and the seats taken in its slot and in the other one.
    async fn state(&self, app: &TestApp) -> (String, i64, i64) {
        (app.status(self.ticket).await, app.booked(self.slot).await, app.booked(self.other).await)
    }
}

backend_tests! {
    async fn only_a_digest_of_the_management_token_is_stored(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let Managed { ticket, manage, .. } = a_managed_booking(&app).await;
        let stored = app.text("SELECT manage_hash FROM ticket_reservations WHERE ticket_id = $1", ticket).await;
        assert!(!stored.contains(&manage), "only a digest is stored");
    }
}

backend_tests! {
    /// The ticket code is the door QR: whoever saw it (a photo is enough) may see the visit, but
    /// changing and cancelling need the management token.
    async fn changing_or_cancelling_without_a_valid_management_token_is_refused(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let booking = a_managed_booking(&app).await;
        let Managed { code, other, .. } = &booking;
        for (body, want) in [
            (json!({ "ticket_code": code.as_str(), "slot_id": other }), "MANAGE_TOKEN_REQUIRED"),
            (
                json!({ "ticket_code": code.as_str(), "slot_id": other, "manage_token": "m0123" }),
                "MANAGE_TOKEN_INVALID",
            ),
        ] {
            let (status, answer) = app.post("/api/reservations/change", body.clone()).await;
            assert_eq!((status, code_of(&answer)), (403, want), "{answer}");
            let mut cancel = body;
            cancel.as_object_mut().map(|o| o.remove("slot_id"));
            let (status, answer) = app.post("/api/reservations/cancel", cancel).await;
            assert_eq!((status, code_of(&answer)), (403, want), "{answer}");
        }
        assert_eq!(booking.state(&app).await, ("RESERVED".to_string(), 1, 0));
    }
}

backend_tests! {
    async fn another_reservations_management_token_does_not_open_this_one(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let booking = a_managed_booking(&app).await;
        let (stranger, _) = app.ticket("ACTIVATED").await;
        let foreign = app.reserve_managed(stranger, booking.other).await;
        assert_eq!(code_of(&app.cancel(booking.code.as_str(), &foreign).await.1), "MANAGE_TOKEN_INVALID");
        assert_eq!(booking.state(&app).await, ("RESERVED".to_string(), 1, 1));
    }
}

backend_tests! {
    async fn the_ticket_page_masks_the_contact_details_without_the_management_token(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let Managed { code, .. } = a_managed_booking(&app).await;
        let page = ticket_page(&app, &code).await;
        assert!(page.contains("j•••@example.com") && page.contains("•••• 1234"), "{page}");
        assert!(!page.contains("john@example.com") && !page.contains("Change date or time"), "{page}");
    }
}

backend_tests! {
    async fn the_ticket_page_shows_the_contact_details_in_full_with_the_management_token(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let Managed { code, manage, .. } = a_managed_booking(&app).await;
        let page = app.page(&format!("/ticket?code={code}&manage={manage}")).await;
        assert!(page.contains("john@example.com") && page.contains("Change date or time"), "{page}");
    }
}

backend_tests! {
    /// Without the token the booking form could only lead back to the same refusal, so the
    /// flow sends the visitor to the ticket's page instead (as a browser asks for a page:
    /// leptos_axum redirects requests that accept HTML).
    async fn the_booking_flow_sends_a_booked_visit_without_the_management_token_to_its_ticket(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let Managed { code, .. } = a_managed_booking(&app).await;
        let res = app.http.get(format!("{}/reserve?ticket={code}", app.base)).header("accept", "text/html")
            .send().await.expect("request");
        assert_eq!(res.url().path(), "/ticket", "redirected to the ticket's page");
        assert_eq!(res.url().query(), Some(format!("code={code}").as_str()));
        let page = res.text().await.expect("page");
        assert!(page.contains("Visit booked") && !page.contains("Choose another day"), "{page}");
    }
}

backend_tests! {
    async fn the_management_token_cancels_the_reservation(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let Managed { ticket, code, manage, .. } = a_managed_booking(&app).await;
        let (status, body) = app.cancel(code.as_str(), &manage).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.status(ticket).await, "ACTIVATED");
    }
}
