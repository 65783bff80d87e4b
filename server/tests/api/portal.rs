//! What the customer portal needs beyond the booking API: slot capacity set by an admin, the QR
//! code as a PNG, and live availability over server-sent events.
use crate::support::{backend_tests, code_of, test_now, Backend, EventStream, TestApp};
use gatehouse::ids::SlotId;
use serde_json::{json, Value};

impl TestApp {
    async fn put_capacity(&self, token: &str, slot: &str, body: Value) -> (u16, Value) {
        let res = self
            .http
            .put(format!("{}/api/admin/slots/{slot}/capacity", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("request");
        (res.status().as_u16(), res.json().await.expect("json"))
    }
}

/// The demo slot four days ahead at 10:00 with one more booking in it, and its booked count.
async fn a_slot_with_a_booking(app: &TestApp) -> (SlotId, i64) {
    let slot = app.slot(4, 10).await;
    let (ticket, _) = app.ticket("ACTIVATED").await;
    app.reserve_ok(ticket, slot).await;
    (slot, app.booked(slot).await)
}

async fn capacity_of(app: &TestApp, slot: SlotId) -> i64 {
    app.scalar("SELECT total_capacity FROM reservation_slots WHERE id = $1", slot).await
}

backend_tests! {
    async fn an_admin_sets_a_slot_capacity_down_to_what_is_booked_and_the_slot_is_full(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let admin = app.token("admin").await;
        let (slot, booked) = a_slot_with_a_booking(&app).await;

        let (status, body) = app.put_capacity(&admin, &slot.to_string(), json!({ "total_capacity": booked })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["total_capacity"], booked);
        assert_eq!(body["data"]["available_count"], 0);
        assert_eq!(body["data"]["status"], "FULL");
        assert_eq!(body["data"]["bookable"], false);
        let (another, _) = app.ticket("ACTIVATED").await;
        assert_eq!(code_of(&app.reserve(another, slot).await.1), "SLOT_FULL");
    }
}

/// Asks, with `token`, for the capacity `body` of slot `target` (the address's part, as sent);
/// asserts the refusal `want` and that `slot` kept its capacity. Answers the refusal's body.
async fn assert_capacity_refused(
    app: &TestApp,
    token: &str,
    slot: SlotId,
    target: &str,
    body: Value,
    want: (u16, &str),
) -> Value {
    let capacity = capacity_of(app, slot).await;
    let (status, answer) = app.put_capacity(token, target, body).await;
    assert_eq!((status, code_of(&answer)), want, "{answer}");
    assert_eq!(capacity_of(app, slot).await, capacity, "a refused capacity was written");
    answer
}

backend_tests! {
    async fn a_capacity_below_what_is_booked_is_refused(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let admin = app.token("admin").await;
        let (slot, booked) = a_slot_with_a_booking(&app).await;
        let body = json!({ "total_capacity": booked - 1 });
        let answer = assert_capacity_refused(&app, &admin, slot, &slot.to_string(), body, (409, "CAPACITY_BELOW_BOOKED")).await;
        assert_eq!(answer["error"]["booked_count"], booked);
    }
}

backend_tests! {
    async fn a_capacity_for_no_slot_or_of_no_number_is_refused_with_its_code(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let admin = app.token("admin").await;
        let (slot, _) = a_slot_with_a_booking(&app).await;
        let id = slot.to_string();
        for (target, body, want) in [
            (id.as_str(), json!({ "total_capacity": -1 }), (400, "INVALID_CAPACITY")),
            ("999999", json!({ "total_capacity": 5 }), (404, "SLOT_NOT_FOUND")),
            ("ten", json!({ "total_capacity": 5 }), (400, "INVALID_PARAMETER")),
            (id.as_str(), json!({ "capacity": 5 }), (400, "INVALID_FIELD")),
        ] {
            assert_capacity_refused(&app, &admin, slot, target, body, want).await;
        }
    }
}

backend_tests! {
    async fn an_operator_may_not_set_a_slot_capacity(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let operator = app.token("operator").await;
        let (slot, _) = a_slot_with_a_booking(&app).await;
        let body = json!({ "total_capacity": 500 });
        assert_capacity_refused(&app, &operator, slot, &slot.to_string(), body, (403, "FORBIDDEN")).await;
    }
}

backend_tests! {
    async fn raising_a_full_slots_capacity_reopens_it(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let admin = app.token("admin").await;
        let (slot, booked) = a_slot_with_a_booking(&app).await;
        let (status, body) = app.put_capacity(&admin, &slot.to_string(), json!({ "total_capacity": booked })).await;
        assert_eq!((status, body["data"]["status"].as_str()), (200, Some("FULL")), "{body}");

        let (status, body) = app.put_capacity(&admin, &slot.to_string(), json!({ "total_capacity": booked + 5 })).await;
        assert_eq!((status, body["data"]["status"].as_str()), (200, Some("ACTIVE")), "{body}");
        let (another, _) = app.ticket("ACTIVATED").await;
        app.reserve_ok(another, slot).await;
    }
}

#[tokio::test]
async fn a_ticket_without_a_reservation_has_no_qr_code_yet() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (_, code) = app.ticket("ACTIVATED").await;
    let res = app.get(&format!("/tickets/{code}/qr.png")).await;
    assert_eq!(res.status().as_u16(), 404, "no reservation, no QR code yet");
}

#[tokio::test]
async fn a_reserved_ticket_downloads_its_qr_code_as_a_png() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (_, code) = app.reserved(2, 12).await;
    let res = app.get(&format!("/tickets/{code}/qr.png")).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    let disposition = res.headers()["content-disposition"].to_str().expect("ascii");
    assert!(disposition.contains("ticket-qr.png"), "{disposition}");
    let bytes = res.bytes().await.expect("body");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
}

#[tokio::test]
async fn a_malformed_code_has_no_qr_code() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    assert_eq!(app.get("/tickets/TKT-NOPE/qr.png").await.status().as_u16(), 400);
}

/// Reads server-sent events from a streaming response, one `slots` event at a time.
fn available(slots: &Value, slot_id: SlotId) -> i64 {
    slots.as_array().expect("array").iter().find(|s| s["id"] == slot_id.0).expect("the slot")["available_count"]
        .as_i64()
        .expect("count")
}

/// The live availability of the demo's day three days ahead, open; its 14:00 slot, and the
/// places that slot had when the page opened.
async fn open_day(app: &TestApp) -> (EventStream, SlotId, i64) {
    let orq = app.orq().await;
    let day = (test_now() - chrono::Duration::hours(5)).date_naive() + chrono::Duration::days(3);
    let slot = app.slot(3, 14).await;
    let mut stream = EventStream::open(app, &format!("/live/slots?venue={orq}&date={day}")).await;
    let first = stream.next("slots").await.expect("the day's slots at once");
    assert_eq!(first.as_array().map(Vec::len), Some(4), "{first}");
    let before = available(&first, slot);
    (stream, slot, before)
}

backend_tests! {
    async fn an_open_page_gets_its_days_slots_at_once(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        open_day(&app).await;
    }
}

backend_tests! {
    async fn an_open_page_hears_of_a_booking_on_its_day_and_not_of_one_on_another(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (mut stream, slot, before) = open_day(&app).await;
        let (a, _) = app.ticket("ACTIVATED").await;
        let (b, _) = app.ticket("ACTIVATED").await;
        app.reserve_ok(a, app.slot(5, 14).await).await;
        app.reserve_ok(b, slot).await;
        let next = stream.next("slots").await.expect("an update");
        assert_eq!(available(&next, slot), before - 1, "the first update is this day's booking");
    }
}

backend_tests! {
    async fn an_open_page_hears_a_cancellation_give_the_place_back(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (mut stream, slot, before) = open_day(&app).await;
        let (c, code) = app.ticket("ACTIVATED").await;
        let manage = app.reserve_managed(c, slot).await;
        assert_eq!(available(&stream.next("slots").await.expect("update"), slot), before - 1);
        let (status, body) = app.cancel(code.as_str(), &manage).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(available(&stream.next("slots").await.expect("update"), slot), before);
    }
}

backend_tests! {
    /// Shutting down ends the stream instead of holding the server open.
    async fn shutting_down_ends_an_open_pages_stream(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (mut stream, _, _) = open_day(&app).await;
        app.engine.events.close();
        assert_eq!(stream.next("slots").await, None);
    }
}

#[tokio::test]
async fn live_availability_refuses_malformed_parameters() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for query in
        ["venue=1&date=2026-13-01", "venue=x&date=2026-11-01", "date=2026-11-01", "venue=1&date=2026-11-01&x=1"]
    {
        let (status, body) = app.get_json(&format!("/live/slots?{query}")).await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_PARAMETER"), "{query}");
    }
}

backend_tests! {
    async fn a_capacity_edit_is_in_the_audit_log_with_who_and_before_and_after_and_a_refused_one_is_not(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let admin = app.token("admin").await;
        let (slot, booked) = a_slot_with_a_booking(&app).await;
        let orq = app.orq().await;
        let before = capacity_of(&app, slot).await;
        let _ = app.put_capacity(&admin, &slot.to_string(), json!({ "total_capacity": booked - 1 })).await;
        let (status, _) = app.put_capacity(&admin, &slot.to_string(), json!({ "total_capacity": booked + 5 })).await;
        assert_eq!(status, 200);

        let filter = gatehouse::audit::Filter { subject: Some(format!("slot:{slot}")), ..Default::default() };
        let entries = gatehouse::audit::list(&app.engine.db, orq, &filter).await.expect("audit");
        assert_eq!(entries.len(), 1, "the refused edit left no entry: {entries:?}");
        let entry = &entries[0];
        assert_eq!(entry.action, gatehouse::audit::Action::SlotCapacity);
        let admin_name: String = gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_scalar(
            "SELECT display_name FROM users WHERE username = 'admin'").fetch_one(pool).await).expect("admin");
        assert_eq!(entry.actor, admin_name);
        assert_eq!(entry.before, Some(json!({ "total_capacity": before })));
        assert_eq!(entry.after, Some(json!({ "total_capacity": booked + 5 })));
        assert!(entry.summary.contains(&format!("{before} → {}", booked + 5)), "{}", entry.summary);
        assert_eq!(entry.at, test_now());

        let other = gatehouse::audit::Filter { action: Some(gatehouse::audit::Action::SlotClosed), ..Default::default() };
        assert!(gatehouse::audit::list(&app.engine.db, orq, &other).await.expect("audit").is_empty());
    }
}
