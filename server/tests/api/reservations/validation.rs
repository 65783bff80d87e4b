//! The customer's check of a ticket before booking it.
use crate::support::{backend_tests, code_of, Backend, TestApp};
use serde_json::{json, Value};

/// The customer's check of a ticket before booking it.
async fn validate(app: &TestApp, code: &str) -> (u16, Value) {
    app.post("/api/tickets/validate", json!({ "ticket_code": code })).await
}

backend_tests! {
    async fn an_activated_ticket_validates_for_reservation(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, activated) = app.ticket("ACTIVATED").await;
        let (status, body) = validate(&app, activated.as_str()).await;
        assert_eq!((status, body["data"]["status"].as_str()), (200, Some("ACTIVATED")), "{body}");
    }
}

backend_tests! {
    async fn a_ticket_not_paid_expired_or_admitted_is_refused_for_reservation_with_its_code(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        for (ticket_status, http, code) in [
            ("PENDING_PAYMENT", 400, "TICKET_NOT_ACTIVATED"),
            ("EXPIRED", 400, "TICKET_EXPIRED"),
            ("VERIFIED", 400, "TICKET_ALREADY_VERIFIED"),
        ] {
            let (_, c) = app.ticket(ticket_status).await;
            let (status, body) = validate(&app, c.as_str()).await;
            assert_eq!((status, code_of(&body)), (http, code), "{ticket_status}");
            assert_eq!(body["success"], false);
        }
    }
}

backend_tests! {
    async fn a_reserved_ticket_is_refused_for_reservation_with_its_visits_date(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, reserved) = app.reserved(3, 14).await;
        let (status, body) = validate(&app, reserved.as_str()).await;
        assert_eq!((status, code_of(&body)), (409, "TICKET_ALREADY_RESERVED"), "{body}");
        assert_eq!(body["error"]["reserved_date"], "2026-11-26");
        // The machine field is ISO; the words are for people.
        assert!(body["error"]["message"].as_str().unwrap_or("").contains("November 26"), "{body}");
    }
}

backend_tests! {
    async fn an_unknown_code_is_not_found_and_a_mistyped_one_fails_its_check(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (status, body) = validate(&app, "TKT-0000-000000-000000-00000").await;
        assert_eq!((status, code_of(&body)), (404, "TICKET_NOT_FOUND"));
        let (status, body) = validate(&app, "TKT-0000-000000-000000-00001").await;
        assert_eq!((status, code_of(&body)), (400, "TICKET_CODE_CHECK_FAILED"));
    }
}
