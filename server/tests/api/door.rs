//! The scanner's server functions over HTTP, as the page calls them: a signed-in operator and their
//! session's token; each result state of the PRD; admission exactly once; the shift's count; the
//! device's name in the log.
use crate::staff::{csrf_of, Staff};
use crate::support::{backend_tests, Backend};
use serde_json::Value;

/// A signed-in operator at the scanner: their session's cookie and token (also `offline`'s).
pub struct Door {
    pub staff: Staff,
    pub cookie: String,
    pub csrf: String,
}

impl Door {
    pub async fn open(backend: Backend) -> Door {
        let staff = Staff::new(backend).await;
        let cookie = staff.signed_in_operator().await;
        let csrf = csrf_of(&staff.get("/operator", &cookie).await.text().await.expect("body"));
        Door { staff, cookie, csrf }
    }

    /// A server function posted as the page posts it, with the session's cookie.
    pub async fn call(&self, function: &str, form: &[(&str, &str)]) -> (u16, Value) {
        self.call_with(Some(&self.cookie), function, form).await
    }

    /// The same, with `cookie` or none.
    async fn call_with(&self, cookie: Option<&str>, function: &str, form: &[(&str, &str)]) -> (u16, Value) {
        self.staff.server_fn(cookie, function, form).await
    }

    async fn check(&self, scanned: &str) -> Value {
        let (status, body) =
            self.call("door_check", &[("csrf", &self.csrf), ("device", "North door"), ("scanned", scanned)]).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    async fn admit(&self, ticket: i64, code: &str) -> Value {
        let ticket = ticket.to_string();
        let form = [("csrf", self.csrf.as_str()), ("device", "North door"), ("ticket", &ticket), ("code", code)];
        let (status, body) = self.call("door_admit", &form).await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

backend_tests! {
    async fn a_valid_ticket_is_shown_then_admitted_once_and_counted(backend: Backend) {
        let door = Door::open(backend).await;
        let (id, code) = door.staff.app.reserved(0, 12).await;
        let answer = door.check(code.as_str()).await;
        let valid = &answer["verdict"]["Valid"];
        assert_eq!(valid["code"], code.as_str(), "{answer}");
        assert_eq!(valid["ticket_id"], id.0);
        assert_eq!(valid["booked"], 1);
        assert!(valid["capacity"].as_i64().unwrap_or(0) > 1);
        assert_eq!(valid["email"], "john@example.com");
        assert_eq!(answer["tally"]["admitted"], 0);

        let admitted = door.admit(id.0, code.as_str()).await;
        assert_eq!(admitted["verdict"]["Admitted"]["code"], code.as_str(), "{admitted}");
        assert_eq!(admitted["tally"]["admitted"], 1);
        assert_eq!(door.staff.app.status(id).await, "VERIFIED");

        let again = door.admit(id.0, code.as_str()).await;
        let already = &again["verdict"]["AlreadyVerified"];
        assert_eq!(already["by"], "Olivia Operator", "{again}");
        assert!(already["at"].as_str().is_some_and(|at| at.contains('T')), "{again}");
        let scanned_again = door.check(code.as_str()).await;
        assert!(scanned_again["verdict"]["AlreadyVerified"].is_object(), "{scanned_again}");
        assert_eq!(scanned_again["tally"]["admitted"], 1);
        assert_eq!(scanned_again["tally"]["refused"], serde_json::json!([["ALREADY_VERIFIED", 2]]));

        let device = door.staff.app.text(
            "SELECT device FROM checkin_log WHERE ticket_id = $1 AND outcome = 'VERIFIED'", id).await;
        assert_eq!(device, "North door");
    }

    async fn each_refusal_is_its_own_result_and_a_typo_is_caught_before_the_log(backend: Backend) {
        let door = Door::open(backend).await;
        let app = &door.staff.app;
        let (_, later) = app.reserved(6, 12).await;
        let answer = door.check(later.as_str()).await;
        let wrong = &answer["verdict"]["WrongDate"];
        assert_eq!(wrong["reserved"], crate::support::venue_day(6).to_string(), "{answer}");
        assert_eq!(wrong["today"], crate::support::venue_day(0).to_string());

        let (_, activated) = app.ticket("ACTIVATED").await;
        assert!(door.check(activated.as_str()).await["verdict"]["NoReservation"].is_object());
        let (_, unpaid) = app.ticket("PENDING_PAYMENT").await;
        assert_eq!(door.check(unpaid.as_str()).await["verdict"]["Invalid"]["reason"], "TICKET_NOT_ACTIVATED");

        let logged = app.scalar("SELECT COUNT(*) FROM checkin_log WHERE orq = $1", app.orq().await.0).await;
        let mut typo = later.as_str().to_string();
        let last = typo.pop().expect("a character");
        typo.push(if last == '2' { '3' } else { '2' });
        let answer = door.check(&typo).await;
        assert_eq!(answer["verdict"]["Invalid"]["reason"], "TICKET_CODE_CHECK_FAILED", "{answer}");
        let odd = door.check("\u{1F600}\u{0007}<script>").await;
        assert!(odd["verdict"]["Invalid"].is_object(), "{odd}");
        assert_eq!(odd["verdict"]["Invalid"]["code"], "\u{1F600}<script>", "control characters are dropped");
        assert_eq!(app.scalar("SELECT COUNT(*) FROM checkin_log WHERE orq = $1", app.orq().await.0).await, logged);

        let tally = door.check(later.as_str()).await["tally"].clone();
        assert_eq!(tally["admitted"], 0);
        let refused: Vec<(String, i64)> = serde_json::from_value(tally["refused"].clone()).expect("pairs");
        assert_eq!(refused, vec![("WRONG_DATE".to_string(), 2), ("NO_RESERVATION".into(), 1), ("TICKET_NOT_ACTIVATED".into(), 1)]);
    }

    async fn the_qr_codes_signed_payload_is_checked_and_a_forged_one_is_invalid(backend: Backend) {
        let door = Door::open(backend).await;
        let app = &door.staff.app;
        let (_, code) = app.reserved(0, 12).await;
        let payload = app.qr_text(&format!("/tickets/{code}/qr.png")).await;
        assert!(payload.starts_with("GH1:"), "{payload}");
        let answer = door.check(&payload).await;
        assert_eq!(answer["verdict"]["Valid"]["code"], code.as_str(), "{answer}");

        let (_, later) = app.reserved(2, 12).await;
        let genuine = app.qr_text(&format!("/tickets/{later}/qr.png")).await;
        let forged = genuine.replacen(
            &crate::support::venue_day(2).format("%Y%m%d").to_string(),
            &crate::support::venue_day(0).format("%Y%m%d").to_string(),
            1,
        );
        let answer = door.check(&forged).await;
        assert_eq!(answer["verdict"]["Invalid"]["reason"], "INVALID_SIGNATURE", "{answer}");
        assert!(door.check(&genuine).await["verdict"]["WrongDate"].is_object());
    }

    async fn another_organizations_ticket_is_not_found(backend: Backend) {
        let door = Door::open(backend).await;
        let app = &door.staff.app;
        let (id, code) = app.reserved(0, 12).await;
        let other = app.other_organization().await;
        sqlx_move(app, id.0, other.0).await;
        assert_eq!(door.check(code.as_str()).await["verdict"]["Invalid"]["reason"], "TICKET_NOT_FOUND");
        assert_eq!(door.admit(id.0, code.as_str()).await["verdict"]["Invalid"]["reason"], "TICKET_NOT_FOUND");
    }

    async fn the_door_needs_a_session_and_its_token(backend: Backend) {
        let door = Door::open(backend).await;
        let (_, ticket) = door.staff.app.reserved(0, 12).await;
        for token in ["", "forged"] {
            let (status, body) = door.call("door_check", &[("csrf", token), ("device", ""), ("scanned", ticket.as_str())]).await;
            assert_eq!((status, body["code"].as_str()), (403, Some("CSRF_INVALID")), "{token:?}");
        }
        let form = [("csrf", door.csrf.as_str()), ("device", ""), ("scanned", ticket.as_str())];
        let (status, body) = door.call_with(None, "door_check", &form).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("NOT_SIGNED_IN")));
    }
}

/// Moves a ticket to another organization, as if it had been sold there.
async fn sqlx_move(app: &crate::support::TestApp, ticket: i64, orq: i64) {
    gatehouse::on_pool!(&app.engine.db, pool => sqlx::query("UPDATE tickets SET orq = $1 WHERE id = $2")
        .bind(orq).bind(ticket).execute(pool).await.map(|_| ()))
    .expect("move the ticket");
}
