//! Booking, changing and cancelling through the REST API, on every backend.
use crate::support::{backend_tests, code_of, Backend, TestApp};
use gatehouse::ids::{SlotId, TicketId};
use gatehouse::tickets::code::TicketCode;
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

/// The customer's check of a ticket before booking it.
async fn validate(app: &TestApp, code: &str) -> (u16, Value) {
    app.post("/api/tickets/validate", json!({ "ticket_code": code })).await
}

backend_tests! {
    async fn an_activated_ticket_validates_for_reservation(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, activated) = app.ticket("ACTIVATED").await;
        let (status, body) = validate(&app, activated.as_str()).await;
        assert_eq!((status, body["data"]["status"].as_str()), (200, Some("ACTIVATED")), "{body}");
    }
}

backend_tests! {
    async fn a_ticket_not_paid_expired_or_admitted_is_refused_for_reservation_with_its_code(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        for (ticket_status, http, code) in [
            ("PENDING_PAYMENT", 400, "TICKET_NOT_ACTIVATED"),
            ("EXPIRED", 400, "TICKET_EXPIRED"),
            ("VERIFIED", 400, "TICKET_ALREADY_VERIFIED"),
        ] {
            let (_, c) = app.ticket(ticket_status).await;
            let (status, body) = validate(&app, c.as_str()).await;
            assert_eq!((status, code_of(&body)), (http, code), "{ticket_status}");
            assert_eq!(body["success"], false);
        }
    }
}

backend_tests! {
    async fn a_reserved_ticket_is_refused_for_reservation_with_its_visits_date(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, reserved) = app.reserved(3, 14).await;
        let (status, body) = validate(&app, reserved.as_str()).await;
        assert_eq!((status, code_of(&body)), (409, "TICKET_ALREADY_RESERVED"), "{body}");
        assert_eq!(body["error"]["reserved_date"], "2026-11-26");
        assert!(body["error"]["message"].as_str().unwrap_or("").contains("2026-11-26"), "{body}");
    }
}

backend_tests! {
    async fn an_unknown_code_is_not_found_and_a_mistyped_one_fails_its_check(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (status, body) = validate(&app, "TKT-0000-000000-000000-00000").await;
        assert_eq!((status, code_of(&body)), (404, "TICKET_NOT_FOUND"));
        let (status, body) = validate(&app, "TKT-0000-000000-000000-00001").await;
        assert_eq!((status, code_of(&body)), (400, "TICKET_CODE_CHECK_FAILED"));
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
    async fn month_availability_follows_the_prd_shape(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let orq = app.orq().await;
        let (status, body) = app.get_json(&format!("/api/reservation-slots/available?month=2026-11&orq={orq}")).await;
        assert_eq!(status, 200, "{body}");
        let slots = body["data"].as_array().expect("data");
        // 16..30 November: 15 days × 4 slots (the demo starts 7 days back, on the 16th).
        assert_eq!(slots.len(), 60);
        assert_eq!(body["metadata"]["total_slots"], 60);
        assert_eq!(body["metadata"]["month"], "2026-11");
        let half_full =
            slots.iter().find(|s| s["date"] == "2026-11-25" && s["start_time"] == "12:00:00").expect("slot");
        assert_eq!(
            (half_full["available_count"].as_i64(), half_full["capacity_status"].as_str()),
            (Some(100), Some("LIMITED"))
        );
        assert_eq!(slots[0]["bookable"], false, "past slots are listed but not bookable");
    }
}

backend_tests! {
    async fn month_availability_refuses_a_bad_month_and_a_missing_or_unknown_organization(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let orq = app.orq().await;
        let (status, body) = app.get_json(&format!("/api/reservation-slots/available?month=2026-13&orq={orq}")).await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_MONTH"));
        let (status, body) = app.get_json("/api/reservation-slots/available?month=2026-11").await;
        assert_eq!((status, code_of(&body)), (400, "MISSING_PARAMETER"));
        let (status, body) = app.get_json("/api/reservation-slots/available?orq=abc").await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_PARAMETER"));
        let (status, body) = app.get_json("/api/reservation-slots/available?orq=424242").await;
        assert_eq!((status, code_of(&body)), (404, "ORGANIZATION_NOT_FOUND"));
    }
}

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

/// The demo slot five days ahead at 14:00, moved to another organization.
async fn a_foreign_slot(app: &TestApp) -> SlotId {
    let foreign = app.slot(5, 14).await;
    let other = app.other_organization().await;
    gatehouse::on_pool!(&app.engine.db, pool =>
        sqlx::query("UPDATE reservation_slots SET orq = $2 WHERE id = $1").bind(foreign).bind(other).execute(pool).await.map(|_| ()))
    .expect("move slot");
    foreign
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

/// The ticket page for `code`, as whoever holds the code sees it.
async fn ticket_page(app: &TestApp, code: &TicketCode) -> String {
    app.page(&format!("/ticket?code={code}")).await
}

backend_tests! {
    async fn a_ticket_page_shows_no_qr_code_before_a_reservation(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, code) = app.ticket("ACTIVATED").await;
        assert!(!ticket_page(&app, &code).await.contains("<svg"), "no QR code before a reservation");
    }
}

backend_tests! {
    async fn a_reserved_ticket_page_shows_its_qr_code(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, code) = app.reserved(5, 12).await;
        let page = ticket_page(&app, &code).await;
        assert!(page.contains("Reservation confirmed") && page.contains("<svg"), "{page}");
    }
}

backend_tests! {
    async fn a_reserved_ticket_offers_its_visit_as_an_ics_event(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, code) = app.reserved(5, 12).await;
        let res = app.get(&format!("/tickets/{code}/visit.ics")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/calendar; charset=utf-8");
        let ics = res.text().await.expect("body");
        // Noon in New York on 28 November is 17:00 UTC.
        assert!(ics.contains("DTSTART:20261128T170000Z\r\n") && ics.contains("DTEND:20261128T190000Z\r\n"), "{ics}");
    }
}

backend_tests! {
    async fn a_ticket_without_a_reservation_has_no_ics_event(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, unreserved) = app.ticket("ACTIVATED").await;
        assert_eq!(app.get(&format!("/tickets/{unreserved}/visit.ics")).await.status(), 404);
    }
}

/// A booking body with the attacker's contact details.
fn attackers(mut body: Value) -> Value {
    body["customer_email"] = json!("attacker@example.com");
    body["customer_phone"] = json!("+12025550100");
    body
}

/// Books by ticket id alone (no code): the victim's into a real slot and into none, a ticket
/// that does not exist, and the next ticket into none. The answers, each asserted refused.
async fn book_by_id_alone(app: &TestApp, victim: TicketId, slot: SlotId) -> Vec<Value> {
    let probes = [(victim, slot), (victim, SlotId(-1)), (TicketId(999_999), slot), (TicketId(victim.0 + 1), SlotId(-1))];
    let mut answers = Vec::new();
    for (id, slot) in probes {
        let (status, body) =
            app.post("/api/reservations/create", attackers(json!({ "ticket_id": id, "slot_id": slot }))).await;
        assert_eq!((status, code_of(&body)), (400, "TICKET_CODE_REQUIRED"), "{body}");
        answers.push(body);
    }
    answers
}

/// The slot row as a refused booking must leave it: its counter and its last update.
async fn slot_row(app: &TestApp, slot: SlotId) -> (i64, String) {
    gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as::<_, (i64, String)>(
        "SELECT booked_count, CAST(updated_at AS TEXT) FROM reservation_slots WHERE id = $1").bind(slot).fetch_one(pool).await)
    .expect("slot")
}

backend_tests! {
    /// The takeover the attacker found: a guessable ticket id was enough to book someone else's
    /// paid ticket and be answered its secret code. Without the code: refused, and no answer
    /// tells one ticket's state from another's.
    async fn a_booking_by_ticket_id_without_its_code_is_refused_alike_for_every_id(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(3, 12).await;
        let (victim, victim_code) = app.ticket("ACTIVATED").await;
        let mut answers: Vec<String> = book_by_id_alone(&app, victim, slot).await.iter().map(Value::to_string).collect();
        for answer in &answers {
            assert!(!answer.contains(victim_code.as_str()), "the code leaked: {answer}");
        }
        answers.dedup();
        assert_eq!(answers.len(), 1, "every id is answered alike: {answers:?}");
    }
}

backend_tests! {
    /// Another ticket's code with the victim's id: refused without saying which is wrong.
    async fn a_booking_with_another_tickets_code_is_refused_without_saying_which_is_wrong(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(3, 12).await;
        let (victim, victim_code) = app.ticket("ACTIVATED").await;
        let (_, attacker_code) = app.ticket("ACTIVATED").await;
        let body = attackers(json!({ "ticket_code": attacker_code.as_str(), "ticket_id": victim, "slot_id": slot }));
        let (status, body) = app.post("/api/reservations/create", body).await;
        assert_eq!((status, code_of(&body)), (400, "TICKET_MISMATCH"), "{body}");
        assert!(!body.to_string().contains(victim_code.as_str()));
    }
}

backend_tests! {
    /// Nothing changes: the victim's ticket, the slot's counter, not even its row's timestamp.
    async fn a_booking_refused_for_its_code_writes_nothing_not_even_the_slots_timestamp(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(3, 12).await;
        let (victim, _) = app.ticket("ACTIVATED").await;
        let (_, attacker_code) = app.ticket("ACTIVATED").await;
        let before = slot_row(&app, slot).await;
        book_by_id_alone(&app, victim, slot).await;
        let body = attackers(json!({ "ticket_code": attacker_code.as_str(), "ticket_id": victim, "slot_id": slot }));
        let (status, body) = app.post("/api/reservations/create", body).await;
        assert_eq!((status, code_of(&body)), (400, "TICKET_MISMATCH"), "{body}");
        assert_eq!(app.status(victim).await, "ACTIVATED");
        assert_eq!(before, slot_row(&app, slot).await, "a refused booking wrote the slot row");
    }
}

backend_tests! {
    /// The holder, with the code, books; the id may come along when it is the code's own.
    async fn the_holder_books_with_the_code_and_the_tickets_own_id(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(3, 12).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let body = attackers(json!({ "ticket_code": code.as_str(), "ticket_id": ticket, "slot_id": slot }));
        let (status, body) = app.post("/api/reservations/create", body).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["data"]["manage_token"].as_str().is_some_and(|t| t.len() >= 32), "{body}");
    }
}

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
    async fn the_booking_flow_does_not_move_a_booked_visit_without_the_management_token(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let Managed { code, .. } = a_managed_booking(&app).await;
        let page = app.page(&format!("/reserve?ticket={code}")).await;
        assert!(page.contains("already reserved") && !page.contains("Choose another day"), "{page}");
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
