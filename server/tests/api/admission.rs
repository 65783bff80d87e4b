//! At the door: validation outcomes, admission exactly once, the log, expiry, activation.
use crate::support::{backend_tests, code_of, Backend, TestApp};
use chrono::{Duration, TimeZone, Utc};
use gatehouse::ids::TicketId;
use serde_json::{json, Value};

/// The door as an operator's scanner talks to it, with the demo operator's token.
struct Scanner<'a> {
    app: &'a TestApp,
    token: String,
}

impl<'a> Scanner<'a> {
    async fn of(app: &'a TestApp) -> Scanner<'a> {
        Scanner { app, token: app.token("operator").await }
    }

    async fn validate(&self, code: &str) -> (u16, Value) {
        self.app.post_as(Some(&self.token), "/api/operator/validate-ticket", json!({ "ticket_code": code })).await
    }

    async fn verify(&self, id: TicketId) -> (u16, Value) {
        self.app.post_as(Some(&self.token), "/api/operator/verify-ticket", json!({ "ticket_id": id })).await
    }

    /// Admits the ticket, for a test that needs it admitted.
    async fn admit(&self, id: TicketId) {
        let (status, body) = self.verify(id).await;
        assert_eq!((status, body["data"]["status"].as_str()), (200, Some("VERIFIED")), "admitting {id}: {body}");
    }
}

#[tokio::test]
async fn operator_endpoints_need_a_staff_token() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (status, body) = app.post("/api/operator/validate-ticket", json!({ "ticket_code": "x" })).await;
    assert_eq!((status, code_of(&body)), (401, "UNAUTHORIZED"));
    let (status, body) = app.post_as(Some("gh_nope"), "/api/operator/verify-ticket", json!({ "ticket_id": 1 })).await;
    assert_eq!((status, code_of(&body)), (401, "UNAUTHORIZED"));
}

backend_tests! {
    async fn a_ticket_reserved_for_today_validates_with_its_visit_and_contact(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let scanner = Scanner::of(&app).await;
        let (_, code) = app.reserved(0, 12).await;
        let (status, body) = scanner.validate(code.as_str()).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["validation_status"], "VALID");
        assert_eq!(body["data"]["reservation"]["is_today"], true);
        assert_eq!(body["data"]["customer_email"], "john@example.com");
    }
}

backend_tests! {
    async fn a_ticket_is_admitted_once_and_a_second_admission_names_the_first(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let scanner = Scanner::of(&app).await;
        let (id, _) = app.reserved(0, 12).await;
        let (status, body) = scanner.verify(id).await;
        assert_eq!((status, body["data"]["status"].as_str()), (200, Some("VERIFIED")), "{body}");
        assert_eq!(app.text("SELECT status FROM ticket_reservations WHERE ticket_id = $1", id).await, "VERIFIED");

        let (status, body) = scanner.verify(id).await;
        assert_eq!((status, code_of(&body)), (400, "ALREADY_VERIFIED"), "{body}");
        assert_eq!(body["error"]["operator_name"], "Olivia Operator");
        assert!(body["error"]["verified_at"].as_str().is_some(), "{body}");
    }
}

backend_tests! {
    async fn an_admitted_ticket_validates_as_already_verified(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let scanner = Scanner::of(&app).await;
        let (id, code) = app.reserved(0, 12).await;
        scanner.admit(id).await;
        let (status, body) = scanner.validate(code.as_str()).await;
        assert_eq!((status, code_of(&body)), (400, "ALREADY_VERIFIED"), "{body}");
    }
}

backend_tests! {
    async fn every_attempt_at_the_door_is_logged(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let scanner = Scanner::of(&app).await;
        let (id, code) = app.reserved(0, 12).await;
        assert_eq!(scanner.validate(code.as_str()).await.0, 200, "the first validation");
        scanner.admit(id).await;
        assert_eq!(scanner.verify(id).await.0, 400, "the second admission");
        assert_eq!(scanner.validate(code.as_str()).await.0, 400, "the validation after it");
        let logged = app.scalar("SELECT COUNT(*) FROM checkin_log WHERE ticket_id = $1", id).await;
        assert_eq!(logged, 4, "every attempt is logged");
    }
}

backend_tests! {
    async fn a_ticket_reserved_for_another_day_is_refused_with_its_date_and_how_far_away_it_is(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let scanner = Scanner::of(&app).await;
        let (_, later) = app.reserved(6, 12).await;
        let (status, body) = scanner.validate(later.as_str()).await;
        assert_eq!((status, code_of(&body)), (400, "WRONG_DATE"), "{body}");
        assert_eq!(
            (body["error"]["reservation_date"].as_str(), body["error"]["today"].as_str()),
            (Some("2026-11-29"), Some("2026-11-23"))
        );
        assert_eq!(body["error"]["days_away"], 6);
    }
}

backend_tests! {
    async fn a_ticket_not_reserved_not_paid_or_expired_is_refused_at_the_door_with_its_code(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let scanner = Scanner::of(&app).await;
        for (status_name, http, code) in [
            ("ACTIVATED", 400, "NO_RESERVATION"),
            ("PENDING_PAYMENT", 400, "TICKET_NOT_ACTIVATED"),
            ("EXPIRED", 400, "TICKET_EXPIRED"),
        ] {
            let (_, c) = app.ticket(status_name).await;
            let (status, body) = scanner.validate(c.as_str()).await;
            assert_eq!((status, code_of(&body)), (http, code), "{status_name}");
        }
    }
}

backend_tests! {
    async fn an_unknown_or_malformed_code_is_refused_at_the_door_with_its_code(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let scanner = Scanner::of(&app).await;
        let (status, body) = scanner.validate("TKT-0000-000000-000000-00000").await;
        assert_eq!((status, code_of(&body)), (404, "TICKET_NOT_FOUND"));
        let (status, body) = scanner.validate("TKT-0000-000000-000000-0000O1").await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_TICKET_CODE"));
    }
}

backend_tests! {
    async fn admitting_a_ticket_reserved_for_another_day_is_refused_and_admits_nothing(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let scanner = Scanner::of(&app).await;
        let (wrong_day_id, _) = app.reserved(6, 14).await;
        let (status, body) = scanner.verify(wrong_day_id).await;
        assert_eq!((status, code_of(&body)), (400, "WRONG_DATE"), "verify refuses the wrong day too: {body}");
        assert_eq!(app.status(wrong_day_id).await, "RESERVED");
    }
}

backend_tests! {
    async fn today_is_the_venues_today_not_the_servers(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let scanner = Scanner::of(&app).await;
        let (_, code) = app.reserved(0, 16).await;
        // 03:30 UTC on the 24th is still 22:30 on the 23rd in New York.
        app.clock.set(Utc.with_ymd_and_hms(2026, 11, 24, 3, 30, 0).single().expect("instant"));
        let (status, body) = scanner.validate(code.as_str()).await;
        assert_eq!(status, 200, "{body}");
        app.clock.set(Utc.with_ymd_and_hms(2026, 11, 24, 5, 30, 0).single().expect("instant"));
        let (status, body) = scanner.validate(code.as_str()).await;
        assert_eq!((status, code_of(&body)), (400, "WRONG_DATE"), "{body}");
        assert_eq!(body["error"]["days_away"], -1);
    }
}

#[tokio::test]
async fn an_operator_cannot_admit_in_another_operators_name() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let scanner = Scanner::of(&app).await;
    let (id, _) = app.reserved(0, 12).await;
    let (status, body) = app
        .post_as(Some(&scanner.token), "/api/operator/verify-ticket", json!({ "ticket_id": id, "operator_id": 424242 }))
        .await;
    assert_eq!((status, code_of(&body)), (403, "OPERATOR_MISMATCH"));
}

#[tokio::test]
async fn an_operator_cannot_admit_another_organizations_ticket() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let scanner = Scanner::of(&app).await;
    let (id, _) = app.reserved(0, 12).await;
    let other = app.other_organization().await;
    gatehouse::on_pool!(&app.engine.db, pool =>
        sqlx::query("UPDATE tickets SET orq = $2 WHERE id = $1").bind(id).bind(other).execute(pool).await.map(|_| ()))
    .expect("move ticket to another organization");
    let (status, body) = scanner.verify(id).await;
    assert_eq!((status, code_of(&body)), (404, "TICKET_NOT_FOUND"));
}

backend_tests! {
    async fn reserved_tickets_expire_once_their_slot_has_ended_and_not_before(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (today, _) = app.reserved(0, 12).await;
        let (tomorrow, _) = app.reserved(1, 12).await;
        app.clock.advance(Duration::hours(5)); // 15:00 in New York: the 12–14 slot is over
        let expired = gatehouse::tickets::expiry::expire_ended(&app.engine).await.expect("expire");
        assert!(expired >= 1, "{expired} expired");
        assert_eq!(app.status(today).await, "EXPIRED");
        assert_eq!(app.status(tomorrow).await, "RESERVED");
    }
}

backend_tests! {
    async fn expiring_again_changes_nothing(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        app.reserved(0, 12).await;
        app.clock.advance(Duration::hours(5));
        let expired = gatehouse::tickets::expiry::expire_ended(&app.engine).await.expect("expire");
        assert!(expired >= 1, "the first run expires the ended visit: {expired}");
        assert_eq!(
            gatehouse::tickets::expiry::expire_ended(&app.engine).await.expect("expire"),
            0,
            "running again changes nothing"
        );
    }
}

/// Activating a paid ticket, as an admin does it.
async fn activate(app: &TestApp, token: &str, code: &str) -> (u16, Value) {
    app.post_as(Some(token), &format!("/api/tickets/{code}/activate"), json!({})).await
}

backend_tests! {
    async fn an_operator_may_not_activate_a_ticket(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let op = app.token("operator").await;
        let (id, code) = app.ticket("PENDING_PAYMENT").await;
        let (status, body) = activate(&app, &op, code.as_str()).await;
        assert_eq!((status, code_of(&body)), (403, "FORBIDDEN"));
        assert_eq!(app.status(id).await, "PENDING_PAYMENT");
    }
}

backend_tests! {
    async fn an_admin_activates_a_paid_ticket(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let admin = app.token("admin").await;
        let (id, code) = app.ticket("PENDING_PAYMENT").await;
        let (status, body) = activate(&app, &admin, code.as_str()).await;
        assert_eq!((status, body["data"]["status"].as_str()), (200, Some("ACTIVATED")), "{body}");
        assert_eq!(app.status(id).await, "ACTIVATED");
        let (status, body) = app.get_json(&format!("/api/tickets/{}", code.as_str().to_lowercase())).await;
        assert_eq!((status, body["data"]["status"].as_str()), (200, Some("ACTIVATED")));
    }
}

backend_tests! {
    async fn activating_a_ticket_twice_is_refused_as_not_pending(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let admin = app.token("admin").await;
        let (id, code) = app.ticket("PENDING_PAYMENT").await;
        assert_eq!(activate(&app, &admin, code.as_str()).await.0, 200, "the first activation");
        let (status, body) = activate(&app, &admin, code.as_str()).await;
        assert_eq!((status, code_of(&body)), (409, "TICKET_NOT_PENDING"));
        assert_eq!(app.status(id).await, "ACTIVATED");
    }
}

backend_tests! {
    /// A status the code does not know (a hand-edited row) is a failure that is logged, never read
    /// as some other status.
    async fn a_ticket_with_an_unknown_stored_status_is_an_error_not_a_default(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (id, code) = app.ticket("ACTIVATED").await;
        // As a newer release sharing the database could write it: past the schema's CHECK.
        match &app.engine.db {
            gatehouse::store::Db::Sqlite(pool) => {
                let mut conn = pool.acquire().await.expect("connection");
                sqlx::query("PRAGMA ignore_check_constraints = ON").execute(&mut *conn).await.expect("pragma");
                sqlx::query("UPDATE tickets SET status = 'LOST' WHERE id = $1").bind(id).execute(&mut *conn).await.expect("edit");
                sqlx::query("PRAGMA ignore_check_constraints = OFF").execute(&mut *conn).await.expect("pragma");
            }
            gatehouse::store::Db::Postgres(pool) => {
                sqlx::query("ALTER TABLE tickets DROP CONSTRAINT tickets_status_check").execute(pool).await.expect("drop check");
                sqlx::query("UPDATE tickets SET status = 'LOST' WHERE id = $1").bind(id).execute(pool).await.expect("edit");
            }
        }
        let (status, body) = app.get_json(&format!("/api/tickets/{code}")).await;
        assert_eq!((status, code_of(&body)), (500, "INTERNAL"), "{body}");
    }
}
