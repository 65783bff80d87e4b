//! HTTPS served by Gatehouse itself (`GATEHOUSE_TLS`): pages and the API over TLS, nothing over
//! plain HTTP on the same port. Not about storage: SQLite only.
use crate::support::{Backend, TestApp};
use gatehouse::tickets::code::TicketCode;
use serde_json::json;

#[tokio::test]
async fn a_page_and_an_api_answer_come_over_https_with_a_self_signed_certificate() {
    let (app, _) = TestApp::spawn_tls(Backend::Sqlite).await;
    app.seed_demo().await;

    let page = app.page("/").await;
    let unknown = TicketCode::from_parts(2026, &[3; 16]);
    let (status, body) = app.post("/api/tickets/validate", json!({ "ticket_code": unknown.as_str() })).await;

    assert!(app.base.starts_with("https://"), "{}", app.base);
    assert!(page.contains("<html"), "{page}");
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("TICKET_NOT_FOUND")), "{body}");
}

#[tokio::test]
async fn plain_http_to_the_tls_port_gets_no_answer() {
    let (app, _) = TestApp::spawn_tls(Backend::Sqlite).await;
    let plain = app.base.replacen("https://", "http://", 1);

    let answer = reqwest::Client::new().get(format!("{plain}/healthz")).send().await;

    assert!(answer.is_err(), "plain HTTP was answered: {:?}", answer.map(|r| r.status()));
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_certificate_is_refused() {
    let (app, _) = TestApp::spawn_tls(Backend::Sqlite).await;

    let answer = reqwest::Client::new().get(format!("{}/healthz", app.base)).send().await;

    assert!(answer.is_err(), "an untrusted certificate was accepted");
}
