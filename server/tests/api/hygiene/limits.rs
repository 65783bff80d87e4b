//! Bodies, addresses and header blocks past their limits, and methods a route does not take.
use super::{assert_security_headers, contact, header};
use crate::support::{code_of, Backend, TestApp};
use serde_json::Value;

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
    let form = format!(
        "ticket={}&email=john%40example.com&phone=%2B12025551234&country=&padding={}",
        code.as_str(),
        padding()
    );
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
