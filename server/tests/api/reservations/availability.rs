//! A month's slots and how many places each has left.
use crate::support::{backend_tests, code_of, Backend, TestApp};

backend_tests! {
    async fn month_availability_follows_the_prd_shape(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let orq = app.orq().await;
        let (status, body) = app.get_json(&format!("/api/reservation-slots/available?month=2026-11&orq={orq}")).await;
        assert_eq!(status, 200, "{body}");
        let slots = body["data"].as_array().expect("data");
        // 16..30 November: 15 days × 4 slots (the demo starts 7 days back, on the 16th).
        assert_eq!(slots.len(), 60);
        assert_eq!(body["metadata"]["total_slots"], 60);
        assert_eq!(body["metadata"]["month"], "2026-11");
        let half_full =
            slots.iter().find(|s| s["date"] == "2026-11-25" && s["start_time"] == "12:00:00").expect("slot");
        assert_eq!(
            (half_full["available_count"].as_i64(), half_full["capacity_status"].as_str()),
            (Some(100), Some("LIMITED"))
        );
        assert_eq!(slots[0]["bookable"], false, "past slots are listed but not bookable");
    }
}

backend_tests! {
    async fn month_availability_refuses_a_bad_month_and_a_missing_or_unknown_organization(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let orq = app.orq().await;
        let (status, body) = app.get_json(&format!("/api/reservation-slots/available?month=2026-13&orq={orq}")).await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_MONTH"));
        let (status, body) = app.get_json("/api/reservation-slots/available?month=2026-11").await;
        assert_eq!((status, code_of(&body)), (400, "MISSING_PARAMETER"));
        let (status, body) = app.get_json("/api/reservation-slots/available?orq=abc").await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_PARAMETER"));
        let (status, body) = app.get_json("/api/reservation-slots/available?orq=424242").await;
        assert_eq!((status, code_of(&body)), (404, "ORGANIZATION_NOT_FOUND"));
    }
}
