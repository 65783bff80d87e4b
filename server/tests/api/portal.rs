//! What the customer portal needs beyond the booking API: slot capacity set by an admin, the QR
//! code as a PNG, and live availability over server-sent events.
use serde_json::{json, Value};
use std::time::Duration;
use crate::support::{backend_tests, code_of, test_now, Backend, TestApp};

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

backend_tests! {
    async fn an_admin_sets_a_slot_capacity_but_never_below_what_is_booked(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let admin = app.token("admin").await;
        let slot = app.slot(4, 10).await;
        let (ticket, _) = app.ticket("ACTIVATED").await;
        assert_eq!(app.reserve(ticket, slot).await.0, 200);
        let booked = app.booked(slot).await;

        let (status, body) = app.put_capacity(&admin, &slot.to_string(), json!({ "total_capacity": booked })).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        assert_eq!(body["data"]["total_capacity"], booked);
        assert_eq!(body["data"]["available_count"], 0);
        assert_eq!(body["data"]["status"], "FULL");
        assert_eq!(body["data"]["bookable"], false);
        let (another, _) = app.ticket("ACTIVATED").await;
        assert_eq!(code_of(&app.reserve(another, slot).await.1), "SLOT_FULL");

        let (status, body) = app.put_capacity(&admin, &slot.to_string(), json!({ "total_capacity": booked - 1 })).await;
        assert_eq!((status, code_of(&body)), (409, "CAPACITY_BELOW_BOOKED"), "{backend:?}");
        assert_eq!(body["error"]["booked_count"], booked);
        let (status, body) = app.put_capacity(&admin, &slot.to_string(), json!({ "total_capacity": -1 })).await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_CAPACITY"));
        let (status, body) = app.put_capacity(&admin, "999999", json!({ "total_capacity": 5 })).await;
        assert_eq!((status, code_of(&body)), (404, "SLOT_NOT_FOUND"));
        let (status, body) = app.put_capacity(&admin, "ten", json!({ "total_capacity": 5 })).await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_PARAMETER"));
        let (status, body) = app.put_capacity(&admin, &slot.to_string(), json!({ "capacity": 5 })).await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_FIELD"));
        let operator = app.token("operator").await;
        let (status, body) = app.put_capacity(&operator, &slot.to_string(), json!({ "total_capacity": 500 })).await;
        assert_eq!((status, code_of(&body)), (403, "FORBIDDEN"));
        assert_eq!(app.scalar("SELECT total_capacity FROM reservation_slots WHERE id = $1", slot).await, booked);

        // Raising it again reopens the slot.
        let (status, body) = app.put_capacity(&admin, &slot.to_string(), json!({ "total_capacity": booked + 5 })).await;
        assert_eq!((status, body["data"]["status"].as_str()), (200, Some("ACTIVE")));
        assert_eq!(app.reserve(another, slot).await.0, 200);
    }
}

#[tokio::test]
async fn a_reserved_ticket_downloads_its_qr_code_as_a_png() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (ticket, code) = app.ticket("ACTIVATED").await;
    let res = app.get(&format!("/tickets/{code}/qr.png")).await;
    assert_eq!(res.status().as_u16(), 404, "no reservation, no QR code yet");
    app.reserve(ticket, app.slot(2, 12).await).await;
    let res = app.get(&format!("/tickets/{code}/qr.png")).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("ticket-qr.png"));
    let bytes = res.bytes().await.expect("body");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(app.get("/tickets/TKT-NOPE/qr.png").await.status().as_u16(), 400);
}

/// Reads server-sent events from a streaming response, one `slots` event at a time.
struct EventStream {
    res: reqwest::Response,
    buffer: String,
}

impl EventStream {
    async fn open(app: &TestApp, path: &str) -> EventStream {
        let res = app.get(path).await;
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        EventStream { res, buffer: String::new() }
    }

    /// The next `slots` event's data, or `None` once the server ends the stream.
    async fn next_slots(&mut self) -> Option<Value> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                if event.lines().any(|l| l == "event: slots") {
                    let data: String = event.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
                    return Some(serde_json::from_str(&data).expect("json data"));
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.res.chunk())
                .await
                .expect("an event within 10 s")
                .expect("stream");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk?));
        }
    }
}

fn available(slots: &Value, slot_id: gatehouse::ids::SlotId) -> i64 {
    slots.as_array().expect("array").iter().find(|s| s["id"] == slot_id.0).expect("the slot")["available_count"]
        .as_i64()
        .expect("count")
}

backend_tests! {
    async fn an_open_page_hears_of_every_change_to_its_day_and_nothing_else(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let orq = app.orq().await;
        let day = (test_now() - chrono::Duration::hours(5)).date_naive() + chrono::Duration::days(3);
        let slot = app.slot(3, 14).await;
        let mut stream = EventStream::open(&app, &format!("/live/slots?venue={orq}&date={day}")).await;
        let first = stream.next_slots().await.expect("the day's slots at once");
        assert_eq!(first.as_array().unwrap().len(), 4, "{backend:?}: {first}");
        let before = available(&first, slot);

        // A booking on another day is not this page's business; one on this day is.
        let (a, _) = app.ticket("ACTIVATED").await;
        let (b, _) = app.ticket("ACTIVATED").await;
        assert_eq!(app.reserve(a, app.slot(5, 14).await).await.0, 200);
        assert_eq!(app.reserve(b, slot).await.0, 200);
        let next = stream.next_slots().await.expect("an update");
        assert_eq!(available(&next, slot), before - 1, "{backend:?}");

        // A cancellation gives the place back, and the page hears it.
        let (c, code) = app.ticket("ACTIVATED").await;
        let manage = app.reserve_managed(c, slot).await;
        assert_eq!(available(&stream.next_slots().await.expect("update"), slot), before - 2);
        let (status, _) = app.cancel(code.as_str(), &manage).await;
        assert_eq!(status, 200);
        assert_eq!(available(&stream.next_slots().await.expect("update"), slot), before - 1);

        // A change this instance did not make (another instance on the same database) reaches
        // the page too, by the periodic re-read.
        let started = std::time::Instant::now();
        app.set_capacity(slot, 150).await;
        let next = stream.next_slots().await.expect("update");
        assert_eq!(next.as_array().unwrap().iter().find(|s| s["id"] == slot.0).unwrap()["total_capacity"], 150);
        assert!(started.elapsed() < Duration::from_secs(6), "{:?}", started.elapsed());

        // Shutting down ends the stream instead of holding the server open.
        app.engine.events.close();
        assert_eq!(stream.next_slots().await, None);
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
