//! Booking a slot: what a booking changes and answers, and each reason a slot or a request is refused.
use super::a_foreign_slot;
use crate::support::{backend_tests, code_of, Backend, TestApp};
use gatehouse::ids::{SlotId, TicketId};
use serde_json::{json, Value};

backend_tests! {
    async fn an_activated_ticket_books_a_slot_and_everything_changes_together(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, _) = app.ticket("ACTIVATED").await;
        let slot = app.slot(1, 12).await;
        let before = app.booked(slot).await;
        let (status, body) = app.reserve(ticket, slot).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(app.booked(slot).await, before + 1);
        assert_eq!(app.status(ticket).await, "RESERVED");
        assert_eq!(
            app.text("SELECT customer_phone FROM ticket_reservations WHERE ticket_id = $1", ticket).await,
            "+12025551234"
        );
    }
}

backend_tests! {
    async fn a_booking_answers_its_ticket_its_slot_and_a_qr_code_link_that_serves_a_png(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let (status, body) = app.reserve(ticket, app.slot(1, 12).await).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["ticket_code"], code.as_str());
        assert_eq!(body["data"]["slot"]["start_time"], "12:00:00");
        assert_eq!(body["data"]["confirmation_sent"], false);
        let qr = body["data"]["qr_code_url"].as_str().expect("qr_code_url");
        let png = app.get(qr).await;
        assert_eq!(png.headers()["content-type"], "image/png");
        assert_eq!(&png.bytes().await.expect("body")[..8], b"\x89PNG\r\n\x1a\n");
    }
}

/// A slot of capacity one, filled by one ticket; then a second ticket's booking of it, and
/// that ticket, its answer and the slot.
async fn book_a_full_slot(app: &TestApp) -> (SlotId, TicketId, u16, Value) {
    let slot = app.slot(5, 12).await;
    app.set_capacity(slot, 1).await;
    let (first, _) = app.ticket("ACTIVATED").await;
    let (second, _) = app.ticket("ACTIVATED").await;
    app.reserve_ok(first, slot).await;
    let (status, body) = app.reserve(second, slot).await;
    (slot, second, status, body)
}

backend_tests! {
    async fn a_full_slot_answers_409_with_the_nearest_alternatives(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, _, status, body) = book_a_full_slot(&app).await;
        assert_eq!((status, code_of(&body)), (409, "SLOT_FULL"), "{body}");
        let alternatives = body["error"]["alternative_slots"].as_array().expect("alternatives");
        assert_eq!(alternatives.len(), 3);
        let starts: Vec<&str> = alternatives.iter().map(|a| a["start_time"].as_str().unwrap_or("")).collect();
        // Nearest in time to that day's 12:00: the same day's 10:00, 14:00 and 16:00.
        assert_eq!(starts, ["10:00:00", "14:00:00", "16:00:00"]);
    }
}

backend_tests! {
    async fn a_booking_refused_by_a_full_slot_changes_nothing(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (slot, second, status, body) = book_a_full_slot(&app).await;
        assert_eq!(status, 409, "{body}");
        assert_eq!(app.status(second).await, "ACTIVATED");
        assert_eq!(app.booked(slot).await, 1);
        assert_eq!(app.text("SELECT status FROM reservation_slots WHERE id = $1", slot).await, "FULL");
    }
}

/// Books a new ticket into `slot`, asserts the refusal `want` and that the ticket stays unbooked.
async fn assert_booking_refused(app: &TestApp, slot: SlotId, want: (u16, &str)) {
    let (ticket, _) = app.ticket("ACTIVATED").await;
    let (status, body) = app.reserve(ticket, slot).await;
    assert_eq!((status, code_of(&body)), want, "{body}");
    assert_eq!(app.status(ticket).await, "ACTIVATED");
}

backend_tests! {
    async fn a_slot_that_has_started_cannot_be_booked(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        // The test clock is 10:00 in New York: today's 10:00 slot has just started.
        assert_booking_refused(&app, app.slot(0, 10).await, (400, "SLOT_IN_PAST")).await;
    }
}

backend_tests! {
    async fn a_closed_slot_cannot_be_booked(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let closed = app.slot(2, 10).await;
        gatehouse::on_pool!(&app.engine.db, pool => sqlx::query("UPDATE reservation_slots SET status = 'CLOSED' WHERE id = $1")
            .bind(closed).execute(pool).await.map(|_| ())).expect("close");
        assert_booking_refused(&app, closed, (400, "SLOT_CLOSED")).await;
    }
}

backend_tests! {
    async fn a_slot_that_does_not_exist_cannot_be_booked(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        assert_booking_refused(&app, SlotId(999_999), (404, "SLOT_NOT_FOUND")).await;
    }
}

backend_tests! {
    async fn bad_contact_details_are_refused_before_anything_is_written(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, ticket_code) = app.ticket("ACTIVATED").await;
        let slot = app.slot(1, 12).await;
        let before = app.booked(slot).await;
        for (email, phone, code) in
            [("john@", "+12025551234", "INVALID_EMAIL"), ("john@example.com", "2025551234", "INVALID_PHONE")]
        {
            let body = json!({ "ticket_code": ticket_code.as_str(), "slot_id": slot,
                               "customer_email": email, "customer_phone": phone });
            let (status, body) = app.post("/api/reservations/create", body).await;
            assert_eq!((status, code_of(&body)), (400, code), "{body}");
        }
        assert_eq!(app.booked(slot).await, before);
        assert_eq!(app.status(ticket).await, "ACTIVATED");
    }
}

#[tokio::test]
async fn malformed_requests_get_specific_4xx_codes() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let url = format!("{}/api/tickets/validate", app.base);
    let send = |body: String, content_type: &'static str| {
        let req = app.http.post(&url).header("content-type", content_type).body(body);
        async move {
            let res = req.send().await.expect("request");
            let status = res.status().as_u16();
            let json: serde_json::Value = res.json().await.expect("json");
            (status, json["error"]["code"].as_str().unwrap_or("").to_string())
        }
    };
    assert_eq!(send("{\"ticket_code\": ".into(), "application/json").await, (400, "MALFORMED_JSON".into()));
    assert_eq!(
        send("{\"ticket_code\":\"x\",\"extra\":1}".into(), "application/json").await,
        (400, "INVALID_FIELD".into())
    );
    assert_eq!(send("{}".into(), "application/json").await, (400, "INVALID_FIELD".into()));
    assert_eq!(send("{\"ticket_code\":\"x\"}".into(), "text/plain").await, (415, "UNSUPPORTED_MEDIA_TYPE".into()));
    let huge = format!("{{\"ticket_code\":\"{}\"}}", "A".repeat(20_000));
    assert_eq!(send(huge, "application/json").await, (413, "PAYLOAD_TOO_LARGE".into()));
}

#[tokio::test]
async fn an_unknown_api_endpoint_answers_404_not_found() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let (status, body) = app.get_json("/api/no/such/endpoint").await;
    assert_eq!((status, code_of(&body)), (404, "NOT_FOUND"));
}

backend_tests! {
    async fn another_organizations_slot_cannot_be_booked(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let foreign = a_foreign_slot(&app).await;
        let (ticket, _) = app.ticket("ACTIVATED").await;
        let (status, body) = app.reserve(ticket, foreign).await;
        assert_eq!((status, code_of(&body)), (404, "SLOT_NOT_FOUND"), "{body}");
        assert_eq!((app.status(ticket).await.as_str(), app.booked(foreign).await), ("ACTIVATED", 0));
    }
}
