//! Server functions refuse what another site's page sends them; the REST API stays open.
use super::{assert_security_headers, contact, EVIL};
use crate::support::{backend_tests, Backend, TestApp};
use serde_json::{json, Value};

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
