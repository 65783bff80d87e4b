//! What every answer carries (security headers, caching rules, a body that explains an error) and
//! what the server refuses whatever the route: cross-site calls to server functions, oversized
//! server-function bodies and request heads, malformed staff credentials.
use gatehouse::ids::TicketId;
use reqwest::header::HeaderMap;
use reqwest::Response;
use serde_json::{json, Value};
use crate::support::{backend_tests, code_of, Backend, TestApp};

const EVIL: &str = "http://evil.example";

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("<absent>")
}

fn assert_security_headers(what: &str, res: &Response) {
    let headers = res.headers();
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
}

fn contact(code: &str) -> [(&str, &str); 4] {
    [("ticket", code), ("email", "john@example.com"), ("phone", "+1 202 555 1234"), ("country", "")]
}

backend_tests! {
    async fn every_kind_of_answer_carries_the_security_headers(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, code) = app.reserved(2, 12).await;
        let answers = [
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
        for (what, path, status, cache) in answers {
            let res = app.get(&path).await;
            if status != 0 {
                assert_eq!(res.status().as_u16(), status, "{backend:?} {what}");
            }
            assert_security_headers(what, &res);
            assert_eq!(header(res.headers(), "cache-control"), cache, "{backend:?} {what}");
            let is_page = header(res.headers(), "content-type").starts_with("text/html");
            let csp = header(res.headers(), "content-security-policy");
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

#[tokio::test]
async fn the_csp_nonce_matches_the_page_scripts() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let mut nonces = Vec::new();
    for path in ["/", "/reserve?ticket=TKT-NOPE", "/no-such-page"] {
        let res = app.get(path).await;
        let nonce = csp_nonce(&res);
        let html = res.text().await.expect("page");
        let scripts: Vec<&str> =
            html.split("<script").skip(1).map(|s| s.split('>').next().unwrap_or_default()).collect();
        assert!(scripts.iter().any(|s| s.contains("type=\"module\"")), "{path}: no hydration script in {html}");
        for tag in scripts {
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{path}: <script{tag}> lacks the nonce {nonce}");
        }
        nonces.push(nonce);
    }
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "every answer draws a new nonce: {nonces:?}");
}

backend_tests! {
    async fn a_cross_site_form_post_to_a_server_function_is_refused_and_changes_nothing(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (id, code) = app.ticket("ACTIVATED").await;
        let code = code.as_str();
        for origin in [EVIL, "null"] {
            let res = app.form_post("/sfn/save_contact", Some(origin), &contact(code)).await;
            assert_eq!(res.status().as_u16(), 403, "{backend:?} from {origin}");
            assert_security_headers("refusal", &res);
            let body: Value = res.json().await.expect("json");
            assert_eq!(body["code"], "CROSS_SITE_REQUEST", "{backend:?}: {body}");
        }
        // A browser that tells where the request comes from without naming the origin.
        let res = app
            .browser()
            .post(format!("{}/sfn/save_contact", app.base))
            .header("sec-fetch-site", "cross-site")
            .form(&contact(code))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 403, "{backend:?}");
        assert!(!app.has_contact(id).await, "{backend:?}: the contact was saved");

        let (reserved, reserved_code) = app.reserved(3, 12).await;
        let res = app.form_post("/sfn/cancel_visit", Some(EVIL), &[("ticket", reserved_code.as_str())]).await;
        assert_eq!(res.status().as_u16(), 403, "{backend:?}");
        assert_eq!(app.status(reserved).await, "RESERVED", "{backend:?}");
    }
}

backend_tests! {
    async fn a_same_origin_form_post_is_accepted(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (id, code) = app.ticket("ACTIVATED").await;
        let res = app.form_post("/sfn/save_contact", Some(&app.base), &contact(code.as_str())).await;
        assert!(res.status().as_u16() < 400, "{backend:?}: {}", res.status());
        assert!(app.has_contact(id).await, "{backend:?}");

        // Chromium under `Referrer-Policy: no-referrer` posts a same-origin form with `Origin: null`;
        // its `Sec-Fetch-Site: same-origin` is what counts.
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
        assert!(res.status().as_u16() < 400, "{backend:?}: {}", res.status());
        assert!(app.has_contact(id).await, "{backend:?}");

        // Without Origin and Sec-Fetch-Site (curl, old clients) there is no browser to abuse.
        let (id, code) = app.ticket("ACTIVATED").await;
        let res = app.form_post("/sfn/save_contact", None, &contact(code.as_str())).await;
        assert!(res.status().as_u16() < 400, "{backend:?}: {}", res.status());
        assert!(app.has_contact(id).await, "{backend:?}");
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

#[tokio::test]
async fn an_oversized_server_function_body_is_refused() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (id, code) = app.ticket("ACTIVATED").await;
    let padding = "x".repeat(17 * 1024);
    let mut fields = contact(code.as_str()).to_vec();
    fields.push(("padding", &padding));
    let res = app.form_post("/sfn/save_contact", Some(&app.base), &fields).await;
    assert_eq!(res.status().as_u16(), 413);
    let body: Value = res.json().await.expect("json");
    assert_eq!(body["code"], "PAYLOAD_TOO_LARGE");

    // The same without a Content-Length: a chunked body is cut off at the limit as well.
    let form =
        format!("ticket={}&email=john%40example.com&phone=%2B12025551234&country=&padding={padding}", code.as_str());
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
async fn method_not_allowed_answers_the_api_envelope() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let res = app.get("/api/reservations/create").await;
    assert_eq!(res.status().as_u16(), 405);
    assert!(header(res.headers(), "allow").contains("POST"));
    assert_security_headers("405", &res);
    let body: Value = res.json().await.expect("json envelope");
    assert_eq!((body["success"].as_bool(), code_of(&body)), (Some(false), "METHOD_NOT_ALLOWED"));
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));

    // Elsewhere a line of text.
    let res = app.http.post(format!("{}/healthz", app.base)).send().await.expect("request");
    assert_eq!(res.status().as_u16(), 405);
    assert!(header(res.headers(), "content-type").starts_with("text/plain"));
    assert!(!res.text().await.expect("body").is_empty());
}

#[tokio::test]
async fn an_overlong_url_or_header_block_is_answered_with_a_reason() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let long = "A".repeat(9 * 1024);
    let res = app.get(&format!("/api/tickets/{long}")).await;
    assert_eq!(res.status().as_u16(), 414);
    assert_security_headers("414", &res);
    assert_eq!(code_of(&res.json().await.expect("json")), "URI_TOO_LONG");
    let res = app.get(&format!("/ticket?code={long}")).await;
    assert_eq!(res.status().as_u16(), 414);
    assert!(!res.text().await.expect("body").is_empty());

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

#[tokio::test]
async fn a_401_names_the_bearer_scheme() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    for token in [None, Some("gh_nope")] {
        let mut req =
            app.http.post(format!("{}/api/operator/validate-ticket", app.base)).json(&json!({ "ticket_code": "x" }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        let res = req.send().await.expect("request");
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
        assert_eq!(status, 200, "{backend:?}: {body}");
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

    let (_, body) = app.post("/api/operator/validate-ticket", json!({ "ticket_code": "x" })).await;
    assert!(body["error"]["message"].as_str().unwrap_or_default().contains("an operator"), "{body}");
}

backend_tests! {
    async fn a_device_name_with_other_characters_is_refused(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let operator = app.token("operator").await;
        let (id, _) = app.reserved(0, 16).await;
        let verify = |device: &str| {
            app.http
                .post(format!("{}/api/operator/verify-ticket", app.base))
                .bearer_auth(&operator)
                .header("x-gatehouse-device", device)
                .json(&json!({ "ticket_id": id }))
                .send()
        };
        let long = "d".repeat(65);
        for device in ["<script>alert(1)</script>", "door;2", long.as_str()] {
            let res = verify(device).await.expect("request");
            assert_eq!(res.status().as_u16(), 400, "{backend:?}: {device}");
            assert_eq!(code_of(&res.json().await.expect("json")), "INVALID_DEVICE_NAME");
        }
        assert_eq!(app.status(id).await, "RESERVED", "{backend:?}: refused, yet admitted");

        let res = verify("Door 2 (north) #1").await.expect("request");
        assert_eq!(res.status().as_u16(), 200, "{backend:?}");
        let logged = app.text("SELECT device FROM checkin_log WHERE ticket_id = $1 AND action = 'VERIFY'", id).await;
        assert_eq!(logged, "Door 2 (north) #1", "{backend:?}");
    }
}

/// A bug that panics in one request still answers it (the connection used to close with no
/// answer), in the shape the caller expects.
#[tokio::test]
async fn a_panicking_handler_still_answers_in_the_callers_shape() {
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
    let res = reqwest::get(format!("{base}/api/boom")).await.expect("an answer, not a dropped connection");
    assert_eq!(res.status().as_u16(), 500);
    let body: Value = res.json().await.expect("json");
    assert_eq!((body["success"].as_bool(), code_of(&body)), (Some(false), "INTERNAL"), "{body}");
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
            assert_eq!(res.status().as_u16(), status, "{backend:?} {ticket}");
            let body: Value = res.json().await.expect("json");
            assert_eq!(body["code"], code, "{backend:?}: {body}");
        }
    }
}

/// Without JavaScript an error travels back in the address: as its code alone, and a forged
/// address with words of its own is reduced to the code before any page shows it.
#[tokio::test]
async fn an_error_in_the_address_is_a_code_alone_and_a_forged_one_loses_its_words() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE.encode(s);
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

    let forged = format!(
        "/reserve?ticket={code}&__path=%2Fsfn%2Fsave_contact&__err={}",
        b64(r#"{"code":"INVALID_EMAIL","message":"Your ticket is void: call +1 900 555 0100"}"#)
    );
    let res = app.browser().get(format!("{}{forged}", app.base)).send().await.expect("request");
    assert!(res.status().is_redirection(), "{}", res.status());
    let to = res.headers()["location"].to_str().expect("location").to_string();
    let page = app.get(&to).await.text().await.expect("page");
    assert!(!page.contains("900 555 0100"), "the forged words reached the page");
    assert!(page.contains("enter an email address like name@example.com"), "the page words the code itself");
}
