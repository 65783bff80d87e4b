//! The server's edge (issue 9, points 5 and 6): request budgets per client address and per
//! operator token, and connections that cannot be held open to starve the server.
use crate::support::{backend_tests, code_of, no_rate_limits, test_now, Backend, TestApp};
use gatehouse::ids::SlotId;
use gatehouse::tickets::code::TicketCode;
use serde_json::{json, Value};
use server::config::HttpLimits;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn rates(reserve_per_minute: u32, validate_per_minute: u32) -> HttpLimits {
    HttpLimits { reserve_per_minute, validate_per_minute, ..HttpLimits::default() }
}

/// A request as it arrives: status, `Retry-After` in seconds, and the body.
struct Answer {
    status: u16,
    retry_after: Option<u64>,
    body: String,
}

impl Answer {
    fn code(&self) -> String {
        let body: Value = serde_json::from_str(&self.body).unwrap_or(Value::Null);
        code_of(&body).to_string()
    }

    fn is_refused(&self) -> bool {
        self.status == 429
    }
}

impl TestApp {
    async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let res = request.send().await.expect("request");
        let status = res.status().as_u16();
        let retry_after =
            res.headers().get("retry-after").map(|v| v.to_str().expect("ascii").parse().expect("whole seconds"));
        Answer { status, retry_after, body: res.text().await.expect("body") }
    }

    async fn post_from(&self, forwarded_for: Option<&str>, path: &str, body: Value) -> Answer {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(address) = forwarded_for {
            request = request.header("x-forwarded-for", address);
        }
        self.send(request).await
    }

    /// The anonymous ticket check, with a code that names no ticket.
    async fn guess_code(&self, forwarded_for: Option<&str>) -> Answer {
        self.post_from(forwarded_for, "/api/tickets/validate", json!({ "ticket_code": UNKNOWN_CODE })).await
    }

    async fn operator_post(&self, token: &str, path: &str, body: Value) -> Answer {
        self.send(self.http.post(format!("{}{path}", self.base)).bearer_auth(token).json(&body)).await
    }

    async fn portal_form(&self, endpoint: &str, form: &[(&str, &str)]) -> Answer {
        self.send(self.http.post(format!("{}/sfn/{endpoint}", self.base)).form(form)).await
    }

    fn address(&self) -> &str {
        self.base.trim_start_matches("http://")
    }
}

/// A shop order's code tried against a phone is a guess like a ticket code: the third lookup in
/// a minute (budget 2) is refused before it is looked up, and so is a checkout after it.
#[tokio::test]
async fn shop_lookups_and_checkouts_share_the_per_address_budget() {
    let app = TestApp::spawn_with(Backend::Sqlite, rates(2, 0)).await;
    app.seed_demo().await;
    let orq = app.orq().await;
    let guess = json!({ "orq": orq, "code": "K7QX-M4RZ", "phone": "+1 202 555 0142" });
    for _ in 0..2 {
        let answer = app.post_from(None, "/api/shop/lookup", guess.clone()).await;
        assert_ne!(answer.status, 429, "{}", answer.body);
    }
    let third = app.post_from(None, "/api/shop/lookup", guess).await;
    assert_eq!((third.status, third.code()), (429, "RATE_LIMITED".to_string()), "{}", third.body);
    let checkout = app.post_from(None, "/api/shop/checkout", json!({})).await;
    assert_eq!((checkout.status, checkout.code()), (429, "RATE_LIMITED".to_string()), "{}", checkout.body);
    let (status, _) = app.get_json(&format!("/api/shop/products?orq={orq}")).await;
    assert_eq!(status, 200, "browsing the shop is not limited");
}

/// A server with the production budgets and the demo, where one address has booked ten tickets
/// (a minute's budget) into a slot: the slot, and what it held before.
async fn a_minutes_bookings_made(backend: Backend) -> (TestApp, SlotId, i64) {
    let app = TestApp::spawn_with(backend, HttpLimits::default()).await;
    app.seed_demo().await;
    let slot = app.slot(3, 10).await;
    app.set_capacity(slot, 100).await;
    let booked = app.booked(slot).await;
    for (ticket, _) in app.tickets("ACTIVATED", 10).await {
        app.reserve_ok(ticket, slot).await;
    }
    (app, slot, booked)
}

backend_tests! {
    async fn the_eleventh_booking_request_in_a_minute_from_one_address_is_refused_with_retry_after(backend: Backend) {
        let (app, slot, _) = a_minutes_bookings_made(backend).await;

        let (eleventh, _) = app.ticket("ACTIVATED").await;
        let (status, body) = app.reserve(eleventh, slot).await;
        assert_eq!((status, code_of(&body)), (429, "RATE_LIMITED"), "{body}");
        assert_eq!(body["success"], false);
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");

        // One place comes back every 6 s (10 a minute): the client is told when.
        let answer = app.post_from(None, "/api/reservations/create", json!({})).await;
        assert_eq!((answer.status, answer.code()), (429, "RATE_LIMITED".to_string()));
        let retry_after = answer.retry_after.expect("a Retry-After header");
        assert!((1..=6).contains(&retry_after), "Retry-After: {retry_after}");
    }
}

backend_tests! {
    async fn a_booking_request_refused_for_its_rate_books_nothing(backend: Backend) {
        let (app, slot, booked) = a_minutes_bookings_made(backend).await;

        let (eleventh, _) = app.ticket("ACTIVATED").await;
        let (status, body) = app.reserve(eleventh, slot).await;
        assert_eq!(status, 429, "{body}");
        assert_eq!(app.status(eleventh).await, "ACTIVATED");
        assert_eq!(app.booked(slot).await, booked + 10);
    }
}

/// A server allowing four customer requests a minute, with the demo, that has spent them from
/// one address: a booking through the portal (so the limiter is shown to find it there) and
/// three anonymous ticket checks. With the code of a ticket and the slot (as the portal's form
/// sends it) of that booking.
async fn four_customer_requests_spent(backend: Backend) -> (TestApp, TicketCode, String) {
    let app = TestApp::spawn_with(backend, rates(4, 0)).await;
    app.seed_demo().await;
    let (_, code) = app.ticket("ACTIVATED").await;
    let slot = app.slot(3, 12).await.to_string();
    let booking = app.portal_form("book", &[("ticket", code.as_str()), ("slot", &slot)]).await;
    assert!(![404, 429].contains(&booking.status), "{} {}", booking.status, booking.body);
    for _ in 0..3 {
        let guess = app.guess_code(None).await;
        assert!(!guess.is_refused(), "{}", guess.body);
    }
    (app, code, slot)
}

backend_tests! {
    async fn the_portal_and_the_anonymous_ticket_check_spend_the_same_budget_as_the_api(backend: Backend) {
        let (app, code, slot) = four_customer_requests_spent(backend).await;
        let refused = [
            app.guess_code(None).await,
            app.portal_form("book", &[("ticket", code.as_str()), ("slot", &slot)]).await,
            app.portal_form("save_contact", &[("ticket", code.as_str())]).await,
            app.portal_form("cancel_visit", &[("ticket", code.as_str())]).await,
            app.post_from(None, "/api/reservations/change", json!({ "ticket_code": code.as_str() })).await,
            app.post_from(None, "/api/reservations/cancel", json!({ "ticket_code": code.as_str() })).await,
        ];
        for answer in refused {
            assert_eq!((answer.status, answer.code()), (429, "RATE_LIMITED".to_string()), "{}", answer.body);
            assert!(answer.retry_after.is_some());
        }
    }
}

backend_tests! {
    async fn reading_is_not_limited_once_the_budget_is_spent(backend: Backend) {
        let (app, _, _) = four_customer_requests_spent(backend).await;
        assert!(app.guess_code(None).await.is_refused(), "the budget is spent");

        assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
    }
}

const UNKNOWN_CODE: &str = "TKT-0000-000000-000000-00000";

impl TestApp {
    /// The door check of a code that names no ticket, with `token`.
    async fn check_unknown_code(&self, token: &str) -> Answer {
        self.operator_post(token, "/api/operator/validate-ticket", json!({ "ticket_code": UNKNOWN_CODE })).await
    }
}

/// A server allowing five door checks a minute per operator token, with the demo, and a token
/// that has spent them.
async fn five_door_checks_spent(backend: Backend) -> (TestApp, String) {
    let app = TestApp::spawn_with(backend, rates(0, 5)).await;
    app.seed_demo().await;
    let token = app.token("operator").await;
    for _ in 0..5 {
        let answer = app.check_unknown_code(&token).await;
        assert!(!answer.is_refused(), "{}", answer.body);
    }
    (app, token)
}

backend_tests! {
    async fn an_operator_is_limited_per_token_not_per_address(backend: Backend) {
        let (app, first_device) = five_door_checks_spent(backend).await;
        let answer = app.check_unknown_code(&first_device).await;
        assert_eq!((answer.status, answer.code()), (429, "RATE_LIMITED".to_string()), "{}", answer.body);
        assert!(answer.retry_after.is_some_and(|s| (1..=12).contains(&s)), "{:?}", answer.retry_after);

        // Same address, another token: its own budget.
        let second_device = app.token("operator").await;
        let answer = app.check_unknown_code(&second_device).await;
        assert!(!answer.is_refused(), "{}", answer.body);
    }
}

backend_tests! {
    async fn an_operators_validate_and_verify_spend_one_budget(backend: Backend) {
        let (app, operator) = five_door_checks_spent(backend).await;
        let verify = app.operator_post(&operator, "/api/operator/verify-ticket", json!({ "ticket_id": 1 })).await;
        assert!(verify.is_refused(), "verify spends the same budget: {} {}", verify.status, verify.body);
    }
}

backend_tests! {
    async fn an_operators_spent_budget_does_not_limit_customers_at_the_same_address(backend: Backend) {
        let (app, operator) = five_door_checks_spent(backend).await;
        let answer = app.check_unknown_code(&operator).await;
        assert!(answer.is_refused(), "the operator's budget is spent: {}", answer.body);

        assert!(!app.guess_code(None).await.is_refused(), "customers from that address are not operators");
    }
}

#[tokio::test]
async fn x_forwarded_for_is_ignored_when_the_peer_is_not_a_trusted_proxy() {
    let direct = TestApp::spawn_with(Backend::Sqlite, rates(2, 0)).await;
    assert!(!direct.guess_code(Some("198.51.100.1")).await.is_refused());
    assert!(!direct.guess_code(Some("198.51.100.2")).await.is_refused());
    assert!(direct.guess_code(Some("198.51.100.3")).await.is_refused(), "one budget: the socket's address");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_is_limited_by_the_address_the_proxy_appended() {
    let proxied = TestApp::spawn_with(
        Backend::Sqlite,
        HttpLimits { trusted_proxies: vec!["127.0.0.0/8".parse().expect("network")], ..rates(2, 0) },
    )
    .await;
    assert!(!proxied.guess_code(Some("198.51.100.1")).await.is_refused());
    // The left-most entry is the client's own claim; the proxy appended the real address.
    assert!(!proxied.guess_code(Some("203.0.113.9, 198.51.100.1")).await.is_refused());
    assert!(proxied.guess_code(Some("203.0.113.10, 198.51.100.1")).await.is_refused());
    assert!(!proxied.guess_code(Some("198.51.100.2")).await.is_refused(), "another client behind the proxy");
}

backend_tests! {
    async fn a_zero_rate_turns_the_limit_off(backend: Backend) {
        let app = TestApp::spawn_with(backend, no_rate_limits()).await;
        app.seed_demo().await;
        let slot = app.slot(2, 14).await;
        app.set_capacity(slot, 100).await;
        for (ticket, _) in app.tickets("ACTIVATED", 30).await {
            app.reserve_ok(ticket, slot).await;
        }
        for _ in 0..30 {
            assert!(!app.guess_code(None).await.is_refused());
        }
        let operator = app.token("operator").await;
        for _ in 0..150 {
            let answer = app.check_unknown_code(&operator).await;
            assert!(!answer.is_refused(), "{}", answer.body);
        }
    }
}

/// Reads until the server closes the connection; `None` if it has not within `limit`.
async fn closed_within(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(received),
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
        }
    }
}

#[tokio::test]
async fn hundreds_of_idle_sockets_do_not_stop_healthz() {
    let limits = HttpLimits { max_connections: 100, header_timeout: Duration::from_secs(1), ..no_rate_limits() };
    let app = TestApp::spawn_with(Backend::Sqlite, limits).await;
    let mut held = Vec::new();
    for i in 0..300 {
        let mut socket = TcpStream::connect(app.address()).await.expect("connect");
        if i % 2 == 0 {
            socket.write_all(b"GET /healthz HTTP/1.1\r\nHost: gatehouse\r\nX-Half: ").await.expect("write");
        }
        held.push(socket);
    }

    let started = Instant::now();
    let health = tokio::time::timeout(Duration::from_secs(10), app.http.get(format!("{}/healthz", app.base)).send())
        .await
        .expect("/healthz answers within 10 s")
        .expect("response");
    assert_eq!(health.status().as_u16(), 200);
    assert!(started.elapsed() < Duration::from_secs(8), "took {:?}", started.elapsed());
    // The server let go of the sockets that sent nothing or never finished their headers.
    for socket in held.iter_mut().take(4) {
        assert!(closed_within(socket, Duration::from_secs(5)).await.is_some());
    }
}

#[tokio::test]
async fn a_half_sent_request_is_closed_after_the_header_timeout() {
    let limits = HttpLimits { header_timeout: Duration::from_secs(1), ..no_rate_limits() };
    let app = TestApp::spawn_with(Backend::Sqlite, limits).await;
    let mut socket = TcpStream::connect(app.address()).await.expect("connect");
    socket.write_all(b"GET /healthz HTTP/1.1\r\nHost: gatehouse\r\n").await.expect("write");
    let started = Instant::now();
    assert!(closed_within(&mut socket, Duration::from_secs(5)).await.is_some(), "closed within 5 s");
    assert!(started.elapsed() >= Duration::from_millis(900), "not before the timeout: {:?}", started.elapsed());
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let limits = HttpLimits {
        header_timeout: Duration::from_secs(30),
        idle_timeout: Duration::from_secs(1),
        ..no_rate_limits()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, limits).await;
    let mut socket = TcpStream::connect(app.address()).await.expect("connect");
    socket.write_all(b"GET /healthz HTTP/1.1\r\nHost: gatehouse\r\n\r\n").await.expect("write");
    let mut first = [0u8; 12];
    socket.read_exact(&mut first).await.expect("a response");
    assert_eq!(&first, b"HTTP/1.1 200");
    let answered = Instant::now();

    assert!(closed_within(&mut socket, Duration::from_secs(5)).await.is_some(), "closed within 5 s");
    assert!(answered.elapsed() >= Duration::from_millis(900), "kept for the idle timeout: {:?}", answered.elapsed());
}

#[tokio::test]
async fn a_request_whose_body_stalls_is_answered_503_after_the_request_timeout() {
    let limits = HttpLimits { request_timeout: Duration::from_secs(1), ..no_rate_limits() };
    let app = TestApp::spawn_with(Backend::Sqlite, limits).await;
    let mut socket = TcpStream::connect(app.address()).await.expect("connect");
    let head = "POST /api/reservations/create HTTP/1.1\r\nHost: gatehouse\r\nContent-Type: application/json\r\n\
                Content-Length: 200\r\n\r\n{\"ticket_code\": ";
    socket.write_all(head.as_bytes()).await.expect("write");
    let started = Instant::now();

    let answer = closed_within(&mut socket, Duration::from_secs(10)).await.expect("an answer, then the close");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains(r#""success":false"#) && answer.contains(r#""code":"TIMEOUT""#), "{answer}");
    assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_live_availability_stream_outlives_the_request_timeout() {
    let limits = HttpLimits { request_timeout: Duration::from_secs(1), ..no_rate_limits() };
    let app = TestApp::spawn_with(Backend::Sqlite, limits).await;
    app.seed_demo().await;
    let orq = app.orq().await;
    let day = (test_now() - chrono::Duration::hours(5)).date_naive() + chrono::Duration::days(3);
    let mut stream = app.get(&format!("/live/slots?venue={orq}&date={day}")).await;
    assert_eq!(stream.status().as_u16(), 200);
    let mut events = 0;
    let mut received = String::new();
    let mut booked = false;
    while events < 2 {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
            .await
            .expect("an event within 10 s")
            .expect("the stream stays open")
            .expect("a chunk, not the end");
        received.push_str(&String::from_utf8_lossy(&chunk));
        events = received.matches("event: slots").count();
        if events == 1 && !booked {
            // Past the request timeout, then a change the open page must hear of.
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let (ticket, _) = app.ticket("ACTIVATED").await;
            app.reserve_ok(ticket, app.slot(3, 14).await).await;
            booked = true;
        }
    }
}
