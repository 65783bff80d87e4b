//! Test harness: the real router on port 0 over a fresh database, talked to over real HTTP.
//! Every test gets its own SQLite file or PostgreSQL database, dropped when the test ends;
//! `backend_tests!` runs a test on each backend as its own case (see `backend.rs`).
mod backend;

pub(crate) use backend::backend_tests;
pub use backend::{postgres_url_or_skip, Backend, TestDb};
use chrono::{DateTime, TimeZone, Utc};
use gatehouse::clock::ManualClock;
use gatehouse::ids::{OrgId, SlotId, TicketId};
use gatehouse::tickets::code::TicketCode;
use gatehouse::Engine;
use server::config::{HttpLimits, MetricsAccess};
use server::security::Site;
use std::sync::Arc;

/// The production limits with both request budgets off.
pub fn no_rate_limits() -> HttpLimits {
    HttpLimits { reserve_per_minute: 0, validate_per_minute: 0, hold_per_minute: 0, ..HttpLimits::default() }
}

/// A fixed instant tests start from: 2026-11-23 15:00 UTC (10:00 in New York).
pub fn test_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).single().expect("valid instant")
}

/// The demo venue's date `days` after its today at [`test_now`].
pub fn venue_day(days: i64) -> chrono::NaiveDate {
    test_now().with_timezone(&chrono_tz::America::New_York).date_naive() + chrono::Duration::days(days)
}

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub engine: Engine,
    pub clock: ManualClock,
    /// Held only to be dropped with the app: the database goes when the test ends.
    _test_db: TestDb,
}

impl TestApp {
    /// With the request budgets off, so a suite may send as much as it likes.
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, no_rate_limits()).await
    }

    /// Served as `gatehouse serve` serves: through `server::serve` with these limits.
    pub async fn spawn_with(backend: Backend, limits: HttpLimits) -> TestApp {
        TestApp::spawn_exposing(backend, limits, &MetricsAccess::default(), Site::default()).await
    }

    /// With the demo organization, `/metrics` served as `access` says.
    pub async fn with_metrics(backend: Backend, access: MetricsAccess) -> TestApp {
        let app = TestApp::spawn_exposing(backend, no_rate_limits(), &access, Site::default()).await;
        app.seed_demo().await;
        app
    }

    /// Served over plain HTTP as it is behind a proxy that browsers reach at `public_url`
    /// (`GATEHOUSE_PUBLIC_URL`).
    pub async fn behind(backend: Backend, public_url: &str) -> TestApp {
        let site = Site::new(Some(public_url), false);
        TestApp::spawn_exposing(backend, no_rate_limits(), &MetricsAccess::default(), site).await
    }

    async fn spawn_exposing(backend: Backend, limits: HttpLimits, metrics: &MetricsAccess, site: Site) -> TestApp {
        let test_db = TestDb::new(backend).await;
        let clock = ManualClock::at(test_now());
        let engine = Engine::new(test_db.db.clone(), Arc::new(clock.clone()));
        server::jobs::spawn_live(engine.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let options = server::router::leptos_options(std::path::Path::new("target/site"), addr);
        let app = server::router::router(engine.clone(), options, &limits, site, server::sfn_errors::Seal::ephemeral());
        let app = server::prometheus::on_main_listener(app, metrics);
        tokio::spawn(server::serve::serve(listener, app, limits, std::future::pending()));
        TestApp { base: format!("http://{addr}"), http: reqwest::Client::new(), engine, clock, _test_db: test_db }
    }

    /// Served over HTTPS with a new self-signed certificate for 127.0.0.1, which `http` trusts;
    /// the certificate's PEM comes back too.
    pub async fn spawn_tls(backend: Backend) -> (TestApp, String) {
        use tokio_rustls::rustls::pki_types::pem::PemObject;
        use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
        let (cert_pem, key_pem) = server::tls::self_signed(&["127.0.0.1".to_string()]).expect("self-signed pair");
        let cert = CertificateDer::from_pem_slice(cert_pem.as_bytes()).expect("certificate PEM");
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).expect("key PEM");
        let tls = server::tls::Tls::new(vec![cert], key, Vec::new()).expect("TLS configuration");
        let test_db = TestDb::new(backend).await;
        let clock = ManualClock::at(test_now());
        let engine = Engine::new(test_db.db.clone(), Arc::new(clock.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let options = server::router::leptos_options(std::path::Path::new("target/site"), addr);
        let limits = no_rate_limits();
        let site = Site::new(None, true);
        let app = server::router::router(engine.clone(), options, &limits, site, server::sfn_errors::Seal::ephemeral());
        tokio::spawn(server::serve::serve_with(listener, app, limits, Some(tls.acceptor), std::future::pending()));
        let trusted = reqwest::Certificate::from_pem(cert_pem.as_bytes()).expect("certificate for the client");
        let http = reqwest::Client::builder().add_root_certificate(trusted).build().expect("client");
        (TestApp { base: format!("https://{addr}"), http, engine, clock, _test_db: test_db }, cert_pem)
    }

    pub async fn seed_demo(&self) -> gatehouse::demo::DemoReport {
        gatehouse::demo::seed_demo(&self.engine.db, self.engine.clock.as_ref()).await.expect("seed demo")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(format!("{}{path}", self.base)).send().await.expect("request")
    }

    /// A page the test needs answered: its HTML, or the test fails with the status and the body.
    pub async fn page(&self, path: &str) -> String {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        let html = res.text().await.expect("body");
        assert_eq!(status, 200, "{path}: {html}");
        html
    }
}

/// Fixtures on top of the demo organization (venue in New York, slots 10/12/14/16 h daily).
impl TestApp {
    pub async fn with_demo(backend: Backend) -> TestApp {
        let app = TestApp::spawn(backend).await;
        app.seed_demo().await;
        app
    }

    pub async fn orq(&self) -> OrgId {
        gatehouse::org::organization_by_slug(&self.engine.db, gatehouse::demo::DEMO_SLUG)
            .await
            .expect("query")
            .expect("demo organization")
            .id
    }

    /// A new ticket of the demo organization in `status` (no reservation), with its code.
    pub async fn ticket(&self, status: &str) -> (TicketId, TicketCode) {
        self.tickets(status, 1).await.remove(0)
    }

    /// Many tickets in one transaction.
    pub async fn tickets(&self, status: &str, count: usize) -> Vec<(TicketId, TicketCode)> {
        let orq = self.orq().await;
        let codes: Vec<_> = {
            let mut rng = rand::rng();
            (0..count).map(|_| TicketCode::generate(2026, &mut rng)).collect()
        };
        let now = self.engine.now();
        let mut tx = self.engine.db.begin_write().await.expect("begin");
        let tickets = gatehouse::on_tx!(&mut tx, conn => async {
            let (product,): (i64,) = sqlx::query_as("SELECT id FROM products WHERE orq = $1").bind(orq).fetch_one(&mut *conn).await?;
            let (order,): (i64,) = sqlx::query_as("INSERT INTO orders (orq, status, created_at) VALUES ($1, 'PAID', $2) RETURNING id")
                .bind(orq).bind(now).fetch_one(&mut *conn).await?;
            let mut out = Vec::new();
            for code in codes {
                let (id,): (TicketId,) = sqlx::query_as(
                    "INSERT INTO tickets (ticket_code, order_id, product_id, orq, status, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                    .bind(code.as_str()).bind(order).bind(product).bind(orq).bind(status).bind(now).fetch_one(&mut *conn).await?;
                out.push((id, code));
            }
            Ok::<_, sqlx::Error>(out)
        }.await).expect("insert tickets");
        tx.commit().await.expect("commit tickets");
        tickets
    }

    /// The demo slot `days` from today (venue time) starting at `hour`.
    pub async fn slot(&self, days: i64, hour: u32) -> SlotId {
        let date = venue_day(days);
        let start = chrono::NaiveTime::from_hms_opt(hour, 0, 0).expect("time");
        let row: (SlotId,) = gatehouse::on_pool!(&self.engine.db, pool => sqlx::query_as(
            "SELECT id FROM reservation_slots WHERE date = $1 AND start_time = $2")
            .bind(date).bind(start).fetch_one(pool).await)
        .expect("slot");
        row.0
    }

    /// A second organization, `other`, beside the demo's.
    pub async fn other_organization(&self) -> OrgId {
        gatehouse::on_pool!(&self.engine.db, pool => sqlx::query_as(
            "INSERT INTO organizations (slug, name, created_at) VALUES ('other', 'Other', $1) RETURNING id")
            .bind(self.engine.now()).fetch_one(pool).await)
        .map(|(id,)| id)
        .expect("insert another organization")
    }

    pub async fn set_capacity(&self, slot_id: SlotId, capacity: i64) {
        gatehouse::on_pool!(&self.engine.db, pool => sqlx::query(
            "UPDATE reservation_slots SET total_capacity = $2 WHERE id = $1").bind(slot_id).bind(capacity)
            .execute(pool).await.map(|_| ()))
        .expect("capacity");
    }

    pub async fn scalar(&self, sql: &str, id: impl Into<i64>) -> i64 {
        let id: i64 = id.into();
        let row: (i64,) =
            gatehouse::on_pool!(&self.engine.db, pool => sqlx::query_as(sql).bind(id).fetch_one(pool).await)
                .expect(sql);
        row.0
    }

    pub async fn text(&self, sql: &str, id: impl Into<i64>) -> String {
        let id: i64 = id.into();
        let row: (String,) =
            gatehouse::on_pool!(&self.engine.db, pool => sqlx::query_as(sql).bind(id).fetch_one(pool).await)
                .expect(sql);
        row.0
    }

    pub async fn booked(&self, slot_id: SlotId) -> i64 {
        self.scalar("SELECT booked_count FROM reservation_slots WHERE id = $1", slot_id).await
    }

    pub async fn status(&self, ticket_id: TicketId) -> String {
        self.text("SELECT status FROM tickets WHERE id = $1", ticket_id).await
    }

    pub async fn token(&self, username: &str) -> String {
        let user = gatehouse::staff::user_by_username(&self.engine.db, username).await.expect("q").expect("user");
        gatehouse::staff::issue_token(&self.engine.db, user.id, "test", self.engine.now()).await.expect("token")
    }

    pub async fn post(&self, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        self.post_as(None, path, body).await
    }

    pub async fn post_as(&self, token: Option<&str>, path: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
        let mut req = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.expect("json body"))
    }

    pub async fn get_as(&self, token: &str, path: &str) -> (u16, serde_json::Value) {
        let res = self.http.get(format!("{}{path}", self.base)).bearer_auth(token).send().await.expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.expect("json body"))
    }

    /// The one QR code on a download (`/tickets/{code}/card.png` or `qr.png`), read as a phone does.
    pub async fn qr_text(&self, path: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
        let codes = qr_codes_in(&res.bytes().await.expect("body"));
        assert_eq!(codes.len(), 1, "{path}: {codes:?}");
        codes.into_iter().next().unwrap_or_default()
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.json().await.expect("json body"))
    }

    /// Books through the REST API as the ticket's holder does: with its code (and its id).
    pub async fn reserve(&self, ticket_id: TicketId, slot_id: SlotId) -> (u16, serde_json::Value) {
        let code = self.text("SELECT ticket_code FROM tickets WHERE id = $1", ticket_id).await;
        self.post(
            "/api/reservations/create",
            serde_json::json!({
                "ticket_code": code, "ticket_id": ticket_id, "slot_id": slot_id,
                "customer_email": "john@example.com", "customer_phone": "+1 202 555 1234",
            }),
        )
        .await
    }

    /// Books, for a test that needs the booking made: answers the confirmation, or fails the test.
    pub async fn reserve_ok(&self, ticket_id: TicketId, slot_id: SlotId) -> serde_json::Value {
        let (status, body) = self.reserve(ticket_id, slot_id).await;
        assert_eq!(status, 200, "booking ticket {ticket_id} into slot {slot_id}: {body}");
        body
    }

    /// Books and answers the reservation's management token.
    pub async fn reserve_managed(&self, ticket_id: TicketId, slot_id: SlotId) -> String {
        let body = self.reserve_ok(ticket_id, slot_id).await;
        body["data"]["manage_token"].as_str().expect("a manage token").to_string()
    }

    /// A new ticket booked into the demo slot `days` from today at `hour`.
    pub async fn reserved(&self, days: i64, hour: u32) -> (TicketId, TicketCode) {
        let (id, code) = self.ticket("ACTIVATED").await;
        self.reserve_ok(id, self.slot(days, hour).await).await;
        (id, code)
    }

    pub async fn change(&self, code: &str, manage: &str, slot_id: SlotId) -> (u16, serde_json::Value) {
        let body = serde_json::json!({ "ticket_code": code, "manage_token": manage, "slot_id": slot_id });
        self.post("/api/reservations/change", body).await
    }

    pub async fn cancel(&self, code: &str, manage: &str) -> (u16, serde_json::Value) {
        self.post("/api/reservations/cancel", serde_json::json!({ "ticket_code": code, "manage_token": manage })).await
    }
}

/// The texts of the QR codes a reader finds in a greyscale PNG (the card's 8 bits a pixel, or
/// `qr.png`'s 1 bit).
pub fn qr_codes_in(png_bytes: &[u8]) -> Vec<String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut pixels).expect("one frame");
    assert_eq!((frame.color_type, frame.bit_depth), (png::ColorType::Grayscale, png::BitDepth::Eight));
    let width = frame.width as usize;
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, frame.height as usize, |x, y| pixels[y * width + x]);
    image.detect_grids().iter().map(|grid| grid.decode().expect("a readable QR code").1).collect()
}

/// A server-sent-events stream, read as a browser reads it.
pub struct EventStream {
    res: reqwest::Response,
    buffer: String,
}

impl EventStream {
    pub async fn open(app: &TestApp, path: &str) -> EventStream {
        EventStream::of(app.get(path).await)
    }

    /// The stream a request answered, which must be one.
    pub fn of(res: reqwest::Response) -> EventStream {
        assert_eq!(res.status().as_u16(), 200, "{}", res.url());
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        EventStream { res, buffer: String::new() }
    }

    /// The next `name` event's data, or `None` once the server ends the stream.
    pub async fn next(&mut self, name: &str) -> Option<serde_json::Value> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                if event.lines().any(|l| l.strip_prefix("event: ") == Some(name)) {
                    let data: String = event.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
                    return Some(serde_json::from_str(&data).expect("json data"));
                }
                continue;
            }
            let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), self.res.chunk())
                .await
                .expect("an event within 10 s")
                .expect("stream");
            self.buffer.push_str(&String::from_utf8_lossy(&chunk?));
        }
    }
}

pub fn code_of(body: &serde_json::Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}
