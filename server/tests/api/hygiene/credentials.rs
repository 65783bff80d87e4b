//! Staff credentials: the bearer scheme, who a refusal says is needed, the door's device name.
use super::header;
use crate::support::{backend_tests, code_of, Backend, TestApp};
use gatehouse::ids::TicketId;
use reqwest::Response;
use serde_json::{json, Value};

/// A call to the operator's validation, anonymous or with `token`.
async fn validate_as(app: &TestApp, token: Option<&str>) -> Response {
    let mut req =
        app.http.post(format!("{}/api/operator/validate-ticket", app.base)).json(&json!({ "ticket_code": "x" }));
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
