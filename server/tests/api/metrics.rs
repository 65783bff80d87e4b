//! `/metrics` for operators: behind its token, absent unless configured, and counting what
//! happened (the recorder is the process's, shared by every test: figures only grow).
use crate::support::{backend_tests, code_of, Backend, TestApp};
use server::config::MetricsAccess;

const TOKEN: &str = "metrics-token-for-tests-0123456789";

fn with_token() -> MetricsAccess {
    MetricsAccess { token: Some(TOKEN.into()), listen: None }
}

async fn scrape(app: &TestApp, token: Option<&str>) -> (u16, String) {
    let mut req = app.http.get(format!("{}/metrics", app.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("request");
    (res.status().as_u16(), res.text().await.expect("body"))
}

/// The value of the sample whose line starts with `series` (name and labels), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok())
}

#[tokio::test]
async fn metrics_are_not_served_unless_configured() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    assert_eq!(scrape(&app, Some(TOKEN)).await.0, 404);
}

#[tokio::test]
async fn metrics_need_the_configured_bearer_token() {
    let app = TestApp::with_metrics(Backend::Sqlite, with_token()).await;
    assert_eq!(scrape(&app, None).await.0, 401);
    assert_eq!(scrape(&app, Some("metrics-token-for-tests-wrong")).await.0, 401);
    assert_eq!(scrape(&app, Some(TOKEN)).await.0, 200);
}

backend_tests! {
    async fn bookings_refusals_and_admissions_show_in_the_metrics(backend: Backend) {
        let app = TestApp::with_metrics(backend, with_token()).await;
        let (_, before) = scrape(&app, Some(TOKEN)).await;
        let created = "gatehouse_reservations_created_total";
        let refused = "gatehouse_reservations_refused_total{reason=\"TICKET_ALREADY_RESERVED\"}";
        let admitted = "gatehouse_door_checks_total{action=\"VERIFY\",outcome=\"VERIFIED\"}";

        let (id, _) = app.reserved(0, 12).await;
        let (status, body) = app.reserve(id, app.slot(1, 12).await).await;
        assert_eq!(status, 409, "{body}");
        let reason = code_of(&body).to_string();
        let token = app.token("operator").await;
        let (status, _) = app.post_as(Some(&token), "/api/operator/verify-ticket", serde_json::json!({ "ticket_id": id })).await;
        assert_eq!(status, 200);

        let (status, after) = scrape(&app, Some(TOKEN)).await;
        assert_eq!(status, 200);
        let grew = |series: &str| sample(&after, series).unwrap_or(0.0) - sample(&before, series).unwrap_or(0.0);
        assert!(grew(created) >= 1.0, "{after}");
        assert_eq!(reason, "TICKET_ALREADY_RESERVED");
        assert!(grew(refused) >= 1.0, "{after}");
        assert!(grew(admitted) >= 1.0, "{after}");
        assert!(after.contains("gatehouse_admission_seconds_bucket{le="), "{after}");
        assert!(after.contains("gatehouse_write_batch_size_count"), "{after}");
    }
}
