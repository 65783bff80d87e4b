//! What every answer carries (security headers, caching rules, a body that explains an error) and
//! what the server refuses whatever the route: cross-site calls to server functions, oversized
//! server-function bodies and request heads, malformed staff credentials.
use crate::support::{backend_tests, code_of, Backend, TestApp};
use gatehouse::ids::TicketId;
use reqwest::header::HeaderMap;
use reqwest::Response;
use serde_json::{json, Value};

const EVIL: &str = "http://evil.example";

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("<absent>")
}

fn assert_security_headers(what: &str, headers: &HeaderMap) {
    let csp = header(headers, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: CSP {csp}");
    assert_eq!(header(headers, "x-frame-options"), "DENY", "{what}");
    assert_eq!(header(headers, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(headers, "referrer-policy"), "no-referrer", "{what}");
    assert!(headers.get("strict-transport-security").is_none(), "{what}: HSTS over plain HTTP");
}

/// The `'nonce-…'` source of a page's Content-Security-Policy.
fn csp_nonce(res: &Response) -> String {
    let csp = header(res.headers(), "content-security-policy");
    let start = csp.find("'nonce-").map(|i| i + "'nonce-".len()).unwrap_or_else(|| panic!("no nonce in {csp}"));
    csp[start..].split('\'').next().unwrap_or_default().to_string()
}

impl TestApp {
    /// A client that shows redirects instead of following them.
    fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
    }

    /// A form post to a server function as a browser sends it, from `origin` (None: like curl).
    async fn form_post(&self, path: &str, origin: Option<&str>, fields: &[(&str, &str)]) -> Response {
        let mut req = self.browser().post(format!("{}{path}", self.base)).header("accept", "text/html").form(fields);
        if let Some(origin) = origin {
            let site = if origin == self.base { "same-origin" } else { "cross-site" };
            req = req.header("origin", origin).header("sec-fetch-site", site);
        }
        req.send().await.expect("request")
    }

    async fn has_contact(&self, ticket_id: TicketId) -> bool {
        self.scalar("SELECT COUNT(*) FROM tickets WHERE id = $1 AND customer_email IS NOT NULL", ticket_id).await == 1
    }

    /// That `res`, a post saving ticket `id`'s contact, was accepted and saved it.
    async fn assert_contact_saved(&self, res: Response, id: TicketId) {
        assert!(res.status().as_u16() < 400, "{}", res.status());
        assert!(self.has_contact(id).await, "accepted, yet not saved");
    }
}

fn contact(code: &str) -> [(&str, &str); 4] {
    [("ticket", code), ("email", "john@example.com"), ("phone", "+1 202 555 1234"), ("country", "")]
}

/// One answer of a kind the server gives, and the caching rule it must carry.
struct Answer {
    what: &'static str,
    cache: &'static str,
    headers: HeaderMap,
}

/// One answer of every kind: pages, downloads, API answers and errors, the health check.
async fn every_kind_of_answer(app: &TestApp) -> Vec<Answer> {
    let (_, code) = app.reserved(2, 12).await;
    let kinds = [
        ("home page", "/".to_string(), 200, "no-cache"),
        ("ticket page", format!("/ticket?code={code}"), 200, "no-store"),
        ("booking page", format!("/reserve?ticket={code}"), 200, "no-store"),
        ("QR code download", format!("/tickets/{code}/qr.png"), 200, "no-store"),
        ("calendar download", format!("/tickets/{code}/visit.ics"), 200, "no-store"),
        ("API answer", "/api/reservation-slots/available?date=2026-11-25".to_string(), 0, "no-store"),
        ("API error", "/api/no-such-endpoint".to_string(), 404, "no-store"),
        ("not found page", "/no-such-page".to_string(), 404, "no-cache"),
        ("health check", "/healthz".to_string(), 200, "no-cache"),
    ];
    let mut answers = Vec::new();
    for (what, path, status, cache) in kinds {
        let res = app.get(&path).await;
        let (got, headers) = (res.status().as_u16(), res.headers().clone());
        if status != 0 && got != status {
            let body = res.text().await.unwrap_or_default();
            panic!("{what} answered {got}, not {status}: {body}");
        }
        answers.push(Answer { what, cache, headers });
    }
    answers
}

backend_tests! {
    async fn every_kind_of_answer_carries_the_security_headers(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        for Answer { what, headers, .. } in every_kind_of_answer(&app).await {
            assert_security_headers(what, &headers);
        }
    }
}

backend_tests! {
    async fn every_kind_of_answer_carries_its_caching_rule(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        for Answer { what, cache, headers } in every_kind_of_answer(&app).await {
            assert_eq!(header(&headers, "cache-control"), cache, "{what}");
        }
    }
}

backend_tests! {
    async fn pages_allow_their_own_scripts_and_other_answers_allow_nothing(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        for Answer { what, headers, .. } in every_kind_of_answer(&app).await {
            let is_page = header(&headers, "content-type").starts_with("text/html");
            let csp = header(&headers, "content-security-policy");
            if is_page {
                assert!(csp.contains("script-src 'self' 'nonce-"), "{what}: {csp}");
                assert!(csp.contains("'wasm-unsafe-eval'"), "{what}: {csp}");
                for directive in ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"] {
                    assert!(csp.contains(directive), "{what}: {directive} missing from {csp}");
                }
            } else {
                assert!(csp.starts_with("default-src 'none'"), "{what}: {csp}");
            }
        }
    }
}

/// Three pages: the path, the nonce its CSP names, and its HTML.
async fn pages_with_their_nonce(app: &TestApp) -> Vec<(&'static str, String, String)> {
    let mut pages = Vec::new();
    for path in ["/", "/reserve?ticket=TKT-NOPE", "/no-such-page"] {
        let res = app.get(path).await;
        let nonce = csp_nonce(&res);
        pages.push((path, nonce, res.text().await.expect("page")));
    }
    pages
}

#[tokio::test]
async fn every_page_script_carries_the_csp_nonce() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    for (path, nonce, html) in pages_with_their_nonce(&app).await {
        let scripts: Vec<&str> =
            html.split("<script").skip(1).map(|s| s.split('>').next().unwrap_or_default()).collect();
        assert!(scripts.iter().any(|s| s.contains("type=\"module\"")), "{path}: no hydration script in {html}");
        for tag in scripts {
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{path}: <script{tag}> lacks the nonce {nonce}");
        }
    }
}

#[tokio::test]
async fn every_answer_draws_a_new_csp_nonce() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let mut nonces: Vec<String> = pages_with_their_nonce(&app).await.into_iter().map(|(_, nonce, _)| nonce).collect();
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "every answer draws a new nonce: {nonces:?}");
}

backend_tests! {
    async fn a_cross_site_form_post_to_a_server_function_is_refused_and_changes_nothing(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (id, code) = app.ticket("ACTIVATED").await;
        for origin in [EVIL, "null"] {
            let res = app.form_post("/sfn/save_contact", Some(origin), &contact(code.as_str())).await;
            assert_eq!(res.status().as_u16(), 403, "from {origin}");
            assert_security_headers("refusal", res.headers());
            let body: Value = res.json().await.expect("json");
            assert_eq!(body["code"], "CROSS_SITE_REQUEST", "{body}");
        }
        assert!(!app.has_contact(id).await, "the contact was saved");
    }
}

backend_tests! {
    /// A browser that tells where the request comes from without naming the origin.
    async fn a_form_post_marked_cross_site_without_an_origin_is_refused(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (id, code) = app.ticket("ACTIVATED").await;
        let res = app
            .browser()
            .post(format!("{}/sfn/save_contact", app.base))
            .header("sec-fetch-site", "cross-site")
            .form(&contact(code.as_str()))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 403);
        assert!(!app.has_contact(id).await, "the contact was saved");
    }
}

backend_tests! {
    async fn a_cross_site_cancel_is_refused_and_the_visit_stays_booked(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (reserved, reserved_code) = app.reserved(3, 12).await;
        let res = app.form_post("/sfn/cancel_visit", Some(EVIL), &[("ticket", reserved_code.as_str())]).await;
        assert_eq!(res.status().as_u16(), 403);
        assert_eq!(app.status(reserved).await, "RESERVED");
    }
}

backend_tests! {
    async fn a_same_origin_form_post_is_accepted(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (id, code) = app.ticket("ACTIVATED").await;
        let res = app.form_post("/sfn/save_contact", Some(&app.base), &contact(code.as_str())).await;
        app.assert_contact_saved(res, id).await;
    }
}

backend_tests! {
    /// Chromium under `Referrer-Policy: no-referrer` posts a same-origin form with `Origin: null`;
    /// its `Sec-Fetch-Site: same-origin` is what counts.
    async fn a_same_origin_form_post_with_a_null_origin_is_accepted(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (id, code) = app.ticket("ACTIVATED").await;
        let res = app
            .browser()
            .post(format!("{}/sfn/save_contact", app.base))
            .header("accept", "text/html")
            .header("origin", "null")
            .header("sec-fetch-site", "same-origin")
            .form(&contact(code.as_str()))
            .send()
            .await
            .expect("request");
        app.assert_contact_saved(res, id).await;
    }
}

backend_tests! {
    /// Without Origin and Sec-Fetch-Site (curl, old clients) there is no browser to abuse.
    async fn a_form_post_without_origin_or_fetch_site_is_accepted(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (id, code) = app.ticket("ACTIVATED").await;
        let res = app.form_post("/sfn/save_contact", None, &contact(code.as_str())).await;
        app.assert_contact_saved(res, id).await;
    }
}

#[tokio::test]
async fn the_rest_api_stays_open_to_other_origins() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (_, code) = app.ticket("ACTIVATED").await;
    let res = app
        .http
        .post(format!("{}/api/tickets/validate", app.base))
        .header("origin", EVIL)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({ "ticket_code": code.as_str() }))
        .send()
        .await
        .expect("request");
    assert_ne!(res.status().as_u16(), 403);
}

/// Past the 16 KiB a server function's body may have.
fn padding() -> String {
    "x".repeat(17 * 1024)
}

#[tokio::test]
async fn an_oversized_server_function_body_is_refused() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (id, code) = app.ticket("ACTIVATED").await;
    let padding = padding();
    let mut fields = contact(code.as_str()).to_vec();
    fields.push(("padding", &padding));
    let res = app.form_post("/sfn/save_contact", Some(&app.base), &fields).await;
    assert_eq!(res.status().as_u16(), 413);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");
    assert!(!app.has_contact(id).await);
}

/// The same without a Content-Length: a chunked body is cut off at the limit as well.
#[tokio::test]
async fn an_oversized_chunked_server_function_body_is_cut_off_at_the_limit() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (id, code) = app.ticket("ACTIVATED").await;
    let form =
        format!("ticket={}&email=john%40example.com&phone=%2B12025551234&country=&padding={}", code.as_str(), padding());
    let chunked = format!(
        "POST /sfn/save_contact HTTP/1.1\r\nhost: {}\r\ncontent-type: application/x-www-form-urlencoded\r\n\
         transfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n{form}\r\n0\r\n\r\n",
        app.base.trim_start_matches("http://"),
        form.len()
    );
    let answer = raw_http(&app, &chunked).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{}", answer.lines().next().unwrap_or_default());
    assert!(!app.has_contact(id).await);
}

async fn raw_http(app: &TestApp, request: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(app.base.trim_start_matches("http://")).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn method_not_allowed_under_the_api_answers_the_api_envelope() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let res = app.get("/api/reservations/create").await;
    assert_eq!(res.status().as_u16(), 405);
    assert!(header(res.headers(), "allow").contains("POST"));
    assert_security_headers("405", res.headers());
    let body: Value = res.json().await.expect("json envelope");
    assert_eq!((body["success"].as_bool(), code_of(&body)), (Some(false), "METHOD_NOT_ALLOWED"));
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn method_not_allowed_elsewhere_answers_a_line_of_text() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let res = app.http.post(format!("{}/healthz", app.base)).send().await.expect("request");
    assert_eq!(res.status().as_u16(), 405);
    assert!(header(res.headers(), "content-type").starts_with("text/plain"));
    assert!(!res.text().await.expect("body").is_empty());
}

/// Past the 8 KiB a request's address may have.
fn overlong() -> String {
    "A".repeat(9 * 1024)
}

#[tokio::test]
async fn an_overlong_api_url_is_answered_414_with_its_code() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let res = app.get(&format!("/api/tickets/{}", overlong())).await;
    assert_eq!(res.status().as_u16(), 414);
    assert_security_headers("414", res.headers());
    assert_eq!(code_of(&res.json().await.expect("json")), "URI_TOO_LONG");
}

#[tokio::test]
async fn an_overlong_page_url_is_answered_414_with_a_reason() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let res = app.get(&format!("/ticket?code={}", overlong())).await;
    assert_eq!(res.status().as_u16(), 414);
    assert!(!res.text().await.expect("body").is_empty());
}

#[tokio::test]
async fn an_overlong_header_block_is_answered_431_with_its_code() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let res = app
        .http
        .get(format!("{}/api/tickets/TKT-NOPE", app.base))
        .header("x-filler", "a".repeat(40 * 1024))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 431);
    assert_eq!(code_of(&res.json().await.expect("json")), "HEADERS_TOO_LARGE");
}

/// A call to the operator's validation, anonymous or with `token`.
async fn validate_as(app: &TestApp, token: Option<&str>) -> Response {
    let mut req = app.http.post(format!("{}/api/operator/validate-ticket", app.base)).json(&json!({ "ticket_code": "x" }));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.expect("request")
}

#[tokio::test]
async fn a_401_names_the_bearer_scheme() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    for token in [None, Some("gh_nope")] {
        let res = validate_as(&app, token).await;
        assert_eq!(res.status().as_u16(), 401, "{token:?}");
        assert!(header(res.headers(), "www-authenticate").starts_with("Bearer"), "{token:?}");
    }
}

backend_tests! {
    async fn a_lower_case_bearer_scheme_is_accepted(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let operator = app.token("operator").await;
        let (_, code) = app.reserved(0, 16).await;
        let res = app
            .http
            .post(format!("{}/api/operator/validate-ticket", app.base))
            .header("authorization", format!("bearer {operator}"))
            .json(&json!({ "ticket_code": code }))
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        let body: Value = res.json().await.expect("json");
        assert_eq!(status, 200, "{body}");
    }
}

#[tokio::test]
async fn an_anonymous_admin_call_says_an_admin_is_needed() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let slot = app.slot(4, 10).await;
    let res = app
        .http
        .put(format!("{}/api/admin/slots/{slot}/capacity", app.base))
        .json(&json!({ "total_capacity": 5 }))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status().as_u16(), 401);
    let body: Value = res.json().await.expect("json");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("an admin") && !message.contains("operator"), "{message}");
}

#[tokio::test]
async fn an_anonymous_operator_call_says_an_operator_is_needed() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let res = validate_as(&app, None).await;
    assert_eq!(res.status().as_u16(), 401);
    let body: Value = res.json().await.expect("json");
    assert!(body["error"]["message"].as_str().unwrap_or_default().contains("an operator"), "{body}");
}

/// Admitting ticket `id` with the demo operator's token, from the door named `device`.
async fn verify_from(app: &TestApp, device: &str, id: TicketId) -> Response {
    app.http
        .post(format!("{}/api/operator/verify-ticket", app.base))
        .bearer_auth(app.token("operator").await)
        .header("x-gatehouse-device", device)
        .json(&json!({ "ticket_id": id }))
        .send()
        .await
        .expect("request")
}

backend_tests! {
    async fn a_device_name_with_other_characters_is_refused_and_admits_nothing(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (id, _) = app.reserved(0, 16).await;
        let long = "d".repeat(65);
        for device in ["<script>alert(1)</script>", "door;2", long.as_str()] {
            let res = verify_from(&app, device, id).await;
            assert_eq!(res.status().as_u16(), 400, "{device}");
            assert_eq!(code_of(&res.json().await.expect("json")), "INVALID_DEVICE_NAME");
        }
        assert_eq!(app.status(id).await, "RESERVED", "refused, yet admitted");
    }
}

backend_tests! {
    async fn a_device_name_of_words_digits_and_punctuation_is_logged_with_the_admission(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (id, _) = app.reserved(0, 16).await;
        let res = verify_from(&app, "Door 2 (north) #1", id).await;
        assert_eq!(res.status().as_u16(), 200);
        let logged = app.text("SELECT device FROM checkin_log WHERE ticket_id = $1 AND action = 'VERIFY'", id).await;
        assert_eq!(logged, "Door 2 (north) #1");
    }
}

/// A server whose one handler panics, on `/api/boom` as an API answers and on `/page` as a page.
async fn a_server_that_panics() -> String {
    use axum::routing::get;
    async fn boom() -> &'static str {
        let input = "éé";
        // The slicing bug the attacker found, on purpose.
        let sliced = input.get(..1).map_or_else(|| panic!("byte index 1 is not a char boundary"), str::to_string);
        Box::leak(sliced.into_boxed_str())
    }
    let app = axum::Router::new()
        .route("/api/boom", get(boom).layer(server::panics::as_json()))
        .route("/page", get(boom).layer(server::panics::as_page()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// A bug that panics in one request still answers it (the connection used to close with no
/// answer), in the shape the caller expects: the API's envelope.
#[tokio::test]
async fn a_panicking_api_handler_still_answers_in_the_api_envelope() {
    let base = a_server_that_panics().await;
    let res = reqwest::get(format!("{base}/api/boom")).await.expect("an answer, not a dropped connection");
    assert_eq!(res.status().as_u16(), 500);
    let body: Value = res.json().await.expect("json");
    assert_eq!((body["success"].as_bool(), code_of(&body)), (Some(false), "INTERNAL"), "{body}");
}

/// The same for a page: a page that says so.
#[tokio::test]
async fn a_panicking_page_handler_still_answers_with_a_page() {
    let base = a_server_that_panics().await;
    let res = reqwest::get(format!("{base}/page")).await.expect("an answer");
    assert_eq!(res.status().as_u16(), 500);
    assert!(res.text().await.expect("body").contains("Something went wrong"));
}

/// The panic the attacker found: non-ASCII codes on every path that takes one.
#[tokio::test]
async fn non_ascii_ticket_codes_are_refused_on_every_path_never_a_panic() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    for odd in ["éé", "🎟️", "TKTé", "t\u{301}kt-2026"] {
        let encoded: String = odd.bytes().map(|b| format!("%{b:02X}")).collect();
        let (status, body) = app.post("/api/tickets/validate", serde_json::json!({ "ticket_code": odd })).await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_TICKET_CODE"), "{odd}: {body}");
        let (status, body) = app.get_json(&format!("/api/tickets/{encoded}")).await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_TICKET_CODE"), "{odd}: {body}");
        for path in [
            format!("/tickets/{encoded}/qr.png"),
            format!("/tickets/{encoded}/visit.ics"),
            format!("/ticket?code={encoded}"),
            format!("/reserve?ticket={encoded}"),
        ] {
            let status = app.get(&path).await.status().as_u16();
            assert!((200..500).contains(&status), "{path}: {status}");
        }
    }
}

backend_tests! {
    /// Server functions answered 500 for every error; now the status its code means, as the API.
    async fn a_server_function_error_answers_the_status_its_code_means(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        for (ticket, status, code) in
            [("TKT-bad", 400, "INVALID_TICKET_CODE"), ("TKT-0000-000000-000000-00000", 404, "TICKET_NOT_FOUND")]
        {
            let res = app
                .http
                .post(format!("{}/sfn/cancel_visit", app.base))
                .header("accept", "application/json")
                .form(&[("ticket", ticket)])
                .send()
                .await
                .expect("request");
            assert_eq!(res.status().as_u16(), status, "{ticket}");
            let body: Value = res.json().await.expect("json");
            assert_eq!(body["code"], code, "{body}");
        }
    }
}

/// Without JavaScript an error travels back in the address, as its code alone.
#[tokio::test]
async fn without_javascript_an_error_travels_back_in_the_address_as_its_code_alone() {
    use base64::Engine as _;
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (_, code) = app.ticket("ACTIVATED").await;
    let referer = format!("{}/reserve?ticket={code}", app.base);
    let res = app
        .browser()
        .post(format!("{}/sfn/save_contact", app.base))
        .header("accept", "text/html")
        .header("referer", &referer)
        .form(&[("ticket", code.as_str()), ("email", "a@b"), ("phone", "2025550143"), ("country", "US")])
        .send()
        .await
        .expect("request");
    let location = res.headers()["location"].to_str().expect("location").to_string();
    let err = location.split("__err=").nth(1).expect("an error in the address").split('&').next().unwrap_or_default();
    let err = err.replace("%3D", "=");
    let decoded = base64::engine::general_purpose::URL_SAFE.decode(&err).expect("base64");
    assert_eq!(String::from_utf8(decoded).expect("utf8"), r#"{"code":"INVALID_EMAIL"}"#, "{location}");
}

/// A forged address with words of its own is reduced to the code before any page shows it.
#[tokio::test]
async fn a_forged_error_in_the_address_loses_its_words_before_a_page_shows_it() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE.encode(s);
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (_, code) = app.ticket("ACTIVATED").await;
    let forged = format!(
        "/reserve?ticket={code}&__path=%2Fsfn%2Fsave_contact&__err={}",
        b64(r#"{"code":"INVALID_EMAIL","message":"Your ticket is void: call +1 900 555 0100"}"#)
    );
    let res = app.browser().get(format!("{}{forged}", app.base)).send().await.expect("request");
    assert!(res.status().is_redirection(), "{}", res.status());
    let to = res.headers()["location"].to_str().expect("location").to_string();
    let page = app.page(&to).await;
    assert!(!page.contains("900 555 0100"), "the forged words reached the page");
    assert!(page.contains("enter an email address like name@example.com"), "the page words the code itself");
}
