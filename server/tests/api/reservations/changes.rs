//! Moving and cancelling a reservation, and the cut-off that ends both.
use super::a_foreign_slot;
use crate::support::{backend_tests, code_of, Backend, TestApp};
use gatehouse::ids::{SlotId, TicketId};
use gatehouse::tickets::code::TicketCode;

backend_tests! {
    async fn a_reservation_moves_to_another_slot_and_frees_the_old_seat(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let (old, new) = (app.slot(3, 12).await, app.slot(4, 14).await);
        let manage = app.reserve_managed(ticket, old).await;
        let (b_old, b_new) = (app.booked(old).await, app.booked(new).await);
        let (status, body) = app.change(code.as_str(), &manage, new).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["manage_token"], manage.as_str(), "the link stays the same");
        assert_eq!(body["data"]["slot"]["date"], "2026-11-27");
        assert_eq!(body["data"]["qr_code_url"], format!("/tickets/{code}/qr.png"));
        assert_eq!((app.booked(old).await, app.booked(new).await), (b_old - 1, b_new + 1));
    }
}

backend_tests! {
    async fn moving_a_reservation_to_the_slot_it_has_is_refused(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let slot = app.slot(4, 14).await;
        let manage = app.reserve_managed(ticket, slot).await;
        let (status, body) = app.change(code.as_str(), &manage, slot).await;
        assert_eq!((status, code_of(&body)), (409, "SAME_SLOT"));
    }
}

backend_tests! {
    async fn moving_into_a_full_slot_keeps_the_old_seat(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let (old, full) = (app.slot(3, 12).await, app.slot(4, 14).await);
        app.set_capacity(full, 0).await;
        let manage = app.reserve_managed(ticket, old).await;
        let (status, body) = app.change(code.as_str(), &manage, full).await;
        assert_eq!((status, code_of(&body)), (409, "SLOT_FULL"), "{body}");
        assert_eq!(app.booked(old).await, 1);
        assert_eq!(app.status(ticket).await, "RESERVED");
    }
}

/// A ticket booked into the demo slot three days ahead at 12:00 and then cancelled.
async fn a_cancelled_booking(app: &TestApp) -> (TicketId, SlotId) {
    let (ticket, code) = app.ticket("ACTIVATED").await;
    let slot = app.slot(3, 12).await;
    let manage = app.reserve_managed(ticket, slot).await;
    let (status, body) = app.cancel(code.as_str(), &manage).await;
    assert_eq!(status, 200, "{body}");
    (ticket, slot)
}

backend_tests! {
    async fn cancelling_frees_the_seat_and_the_ticket(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, slot) = a_cancelled_booking(&app).await;
        assert_eq!((app.status(ticket).await.as_str(), app.booked(slot).await), ("ACTIVATED", 0));
    }
}

backend_tests! {
    async fn a_cancelled_ticket_can_book_again(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, slot) = a_cancelled_booking(&app).await;
        let (status, body) = app.reserve(ticket, slot).await;
        assert_eq!(status, 200, "a cancelled ticket books again: {body}");
    }
}

backend_tests! {
    async fn cancelling_with_the_code_of_no_ticket_is_not_found(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, _) = app.ticket("ACTIVATED").await;
        let manage = app.reserve_managed(ticket, app.slot(3, 12).await).await;
        let (status, body) = app.cancel("TKT-0000-000000-000000-00000", &manage).await;
        assert_eq!((status, code_of(&body)), (404, "TICKET_NOT_FOUND"));
    }
}

/// A ticket booked for tomorrow 10:00, exactly 24 h after the test clock: its code, slot and token.
async fn a_booking_at_the_cutoff(app: &TestApp) -> (TicketCode, SlotId, String) {
    let (ticket, code) = app.ticket("ACTIVATED").await;
    let slot = app.slot(1, 10).await;
    let manage = app.reserve_managed(ticket, slot).await;
    (code, slot, manage)
}

backend_tests! {
    async fn cancelling_stops_24_hours_before_the_visit(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (code, slot, manage) = a_booking_at_the_cutoff(&app).await;
        let booked = app.booked(slot).await;
        let (status, body) = app.cancel(code.as_str(), &manage).await;
        assert_eq!((status, code_of(&body)), (400, "CHANGE_CUTOFF_PASSED"), "{body}");
        assert_eq!(app.booked(slot).await, booked);
    }
}

backend_tests! {
    async fn moving_stops_24_hours_before_the_visit(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (code, slot, manage) = a_booking_at_the_cutoff(&app).await;
        let booked = app.booked(slot).await;
        let other = app.slot(5, 12).await;
        let (status, body) = app.change(code.as_str(), &manage, other).await;
        assert_eq!((status, code_of(&body)), (400, "CHANGE_CUTOFF_PASSED"), "{body}");
        assert_eq!((app.booked(slot).await, app.booked(other).await), (booked, 0));
    }
}

backend_tests! {
    async fn a_reservation_cannot_be_moved_into_another_organizations_slot(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let foreign = a_foreign_slot(&app).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let manage = app.reserve_managed(ticket, app.slot(5, 12).await).await;
        let (status, body) = app.change(code.as_str(), &manage, foreign).await;
        assert_eq!((status, code_of(&body)), (404, "SLOT_NOT_FOUND"), "{body}");
        assert_eq!(app.booked(foreign).await, 0);
    }
}
