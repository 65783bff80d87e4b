//! Signed tickets (issue 12): the QR code carries a payload signed by the organization's key;
//! the door takes it or a typed code; keys rotate without invalidating what was issued.
use crate::support::{backend_tests, code_of, venue_day, Backend, TestApp};
use gatehouse::ids::SigningKeyId;
use gatehouse::tickets::code::TicketCode;
use gatehouse::tickets::signed::{self, verify_offline, PublicKey, SignedTicket};
use serde_json::{json, Value};

impl TestApp {
    /// What a phone reads off the ticket card of `code`.
    async fn card_payload(&self, code: &TicketCode) -> String {
        self.qr_text(&format!("/tickets/{code}/card.png")).await
    }

    async fn validate_as(&self, token: &str, scanned: &str) -> (u16, Value) {
        self.post_as(Some(token), "/api/operator/validate-ticket", json!({ "ticket_code": scanned })).await
    }

    /// The keys a scanner keeps, as the keys endpoint answers them.
    async fn scanner_keys(&self, token: &str) -> Vec<PublicKey> {
        let (status, body) = self.get_as(token, "/api/operator/keys").await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_value(body["data"].clone()).expect("a list of public keys")
    }

    async fn checkins(&self) -> i64 {
        self.scalar("SELECT COUNT(*) FROM checkin_log WHERE id > $1", 0).await
    }
}

backend_tests! {
    async fn the_payload_on_a_ticket_card_validates_at_the_door_and_verifies_offline(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let operator = app.token("operator").await;
        let (_, code) = app.reserved(0, 12).await;
        let payload = app.card_payload(&code).await;
        assert!(payload.starts_with("GH1:"), "{payload}");

        let parsed = SignedTicket::parse(&payload).expect("a signed payload");
        let keys = app.scanner_keys(&operator).await;
        assert_eq!(verify_offline(&parsed, &keys, venue_day(0)), Ok(()), "good for today, offline");

        let (status, body) = app.validate_as(&operator, &payload).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["validation_status"], "VALID");
        assert_eq!(body["data"]["ticket_code"], code.as_str());
    }
}

backend_tests! {
    async fn a_forged_payload_is_refused_with_its_code_and_changes_nothing(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let operator = app.token("operator").await;
        let (id, code) = app.reserved(3, 12).await;
        let genuine = app.card_payload(&code).await;
        // The visit moved to today, as a forger would want it.
        let mut fields: Vec<String> = genuine.split(':').map(str::to_string).collect();
        assert_eq!(fields[3], venue_day(3).format("%Y%m%d").to_string());
        fields[3] = venue_day(0).format("%Y%m%d").to_string();
        let forged = fields.join(":");
        let before = app.checkins().await;

        let (status, body) = app.validate_as(&operator, &forged).await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_SIGNATURE"), "{body}");
        assert_eq!(app.checkins().await, before, "nothing is logged");
        assert_eq!(app.status(id).await, "RESERVED");

        let (status, body) = app.validate_as(&operator, &genuine).await;
        assert_eq!((status, code_of(&body)), (400, "WRONG_DATE"), "the genuine one says its day: {body}");
    }
}

backend_tests! {
    async fn a_payload_signed_for_another_organization_is_refused(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let operator = app.token("operator").await;
        let (_, code) = app.ticket("ACTIVATED").await;
        let other = app.other_organization().await;
        let theirs = signed::sign_ticket(&app.engine.db, &code, other, Some(venue_day(0)), app.engine.now())
            .await
            .expect("signed by the other organization");
        let (status, body) = app.validate_as(&operator, &theirs.to_string()).await;
        assert_eq!((status, code_of(&body)), (400, "WRONG_ORGANIZATION"), "{body}");
    }
}

backend_tests! {
    async fn after_a_rotation_old_tickets_still_validate_and_new_ones_use_the_new_key(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (operator, admin) = (app.token("operator").await, app.token("admin").await);
        let (_, old_code) = app.reserved(0, 12).await;
        let old = app.card_payload(&old_code).await;

        let (status, body) = app.post_as(Some(&admin), "/api/admin/keys/rotate", json!({})).await;
        assert_eq!(status, 200, "{body}");
        let new_key = SigningKeyId(body["data"]["key_id"].as_i64().expect("the new key's id"));
        let (_, new_code) = app.reserved(0, 14).await;
        let new = app.card_payload(&new_code).await;

        let old_key = SignedTicket::parse(&old).expect("payload").key_id();
        assert_eq!(SignedTicket::parse(&new).expect("payload").key_id(), new_key);
        assert_ne!(old_key, new_key);
        let listed: Vec<SigningKeyId> = app.scanner_keys(&operator).await.iter().map(|k| k.key_id).collect();
        assert_eq!(listed, [old_key, new_key], "both keys verify");
        for payload in [&old, &new] {
            let (status, body) = app.validate_as(&operator, payload).await;
            assert_eq!((status, body["data"]["validation_status"].as_str()), (200, Some("VALID")), "{body}");
        }
        // Shown again now, the old ticket's QR code is signed with the new key.
        assert_eq!(SignedTicket::parse(&app.card_payload(&old_code).await).map(|p| p.key_id()), Ok(new_key));
    }
}

backend_tests! {
    async fn a_retired_key_verifies_nothing_while_typed_codes_still_work(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (operator, admin) = (app.token("operator").await, app.token("admin").await);
        let (_, code) = app.reserved(0, 12).await;
        let old = app.card_payload(&code).await;
        let old_key = SignedTicket::parse(&old).expect("payload").key_id();
        assert_eq!(app.post_as(Some(&admin), "/api/admin/keys/rotate", json!({})).await.0, 200);

        let retire = format!("/api/admin/keys/{old_key}/retire");
        let (status, body) = app.post_as(Some(&operator), &retire, json!({})).await;
        assert_eq!((status, code_of(&body)), (403, "FORBIDDEN"), "operators do not retire keys");
        let (status, body) = app.post_as(Some(&admin), &retire, json!({})).await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = app.post_as(Some(&admin), &retire, json!({})).await;
        assert_eq!((status, code_of(&body)), (404, "SIGNING_KEY_NOT_FOUND"), "{body}");

        assert!(app.scanner_keys(&operator).await.iter().all(|k| k.key_id != old_key));
        let (status, body) = app.validate_as(&operator, &old).await;
        assert_eq!((status, code_of(&body)), (400, "UNKNOWN_SIGNING_KEY"), "{body}");
        let (status, body) = app.validate_as(&operator, code.as_str()).await;
        assert_eq!(status, 200, "the typed code: {body}");

        // The rotation and the one retirement are in the audit log; the refused tries are not.
        let entries = gatehouse::audit::list(&app.engine.db, app.orq().await, &Default::default()).await.expect("audit");
        let actions: Vec<_> = entries.iter().map(|e| (e.action, e.subject.clone())).collect();
        use gatehouse::audit::Action::{SigningKeyRetired, SigningKeyRotated};
        assert_eq!(actions.len(), 2, "{actions:?}");
        assert_eq!(actions[0], (SigningKeyRetired, format!("signing_key:{old_key}")));
        assert_eq!(actions[1].0, SigningKeyRotated);
    }
}

backend_tests! {
    async fn the_keys_endpoint_answers_public_keys_only(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let operator = app.token("operator").await;
        let (status, body) = app.get_as(&operator, "/api/operator/keys").await;
        assert_eq!(status, 200, "{body}");
        let keys = body["data"].as_array().expect("a list");
        assert_eq!(keys.len(), 1, "the demo's key: {body}");
        let mut fields: Vec<&str> = keys[0].as_object().expect("an object").keys().map(String::as_str).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["created_at", "key_id", "orq", "public_key"]);

        let key_id = keys[0]["key_id"].as_i64().expect("an id");
        let secret: Vec<u8> = gatehouse::on_pool!(&app.engine.db, pool =>
            sqlx::query_scalar::<_, Vec<u8>>("SELECT secret_key FROM signing_keys WHERE id = $1")
                .bind(key_id).fetch_one(pool).await)
        .expect("the stored secret");
        let text = body.to_string();
        for spelling in [
            data_encoding::BASE32_NOPAD.encode(&secret),
            data_encoding::HEXLOWER.encode(&secret),
            data_encoding::BASE64.encode(&secret),
        ] {
            assert!(!text.contains(&spelling), "the secret key is not answered in any spelling");
        }

        let res = app.get("/api/operator/keys").await;
        assert_eq!(res.status(), 401, "a staff token is needed");
    }
}

backend_tests! {
    async fn a_changed_visit_shows_its_new_date_in_the_qr_code(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let manage = app.reserve_managed(ticket, app.slot(3, 12).await).await;
        let date_of = |payload: String| SignedTicket::parse(&payload).expect("payload").date();
        assert_eq!(date_of(app.card_payload(&code).await), Some(venue_day(3)));

        let (status, body) = app.change(code.as_str(), &manage, app.slot(4, 14).await).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(date_of(app.card_payload(&code).await), Some(venue_day(4)), "the card");
        assert_eq!(date_of(app.qr_text(&format!("/tickets/{code}/qr.png")).await), Some(venue_day(4)), "the QR code");
    }
}
