//! The scanner's offline sync over HTTP, as the page sends its queue (`/sfn/door_sync`, JSON):
//! admissions at their scan time and marked offline in the log, resends that change nothing,
//! conflicts between devices (one after the other and at the same moment), the venue's day of
//! the scan rather than of the sync, forged payloads, the batch's bound, and the keys a scanner
//! keeps.
use crate::door::Door;
use crate::support::{backend_tests, test_now, venue_day, Backend, TestApp};
use chrono::{DateTime, Duration, TimeZone, Utc};
use gatehouse::ids::TicketId;
use reqwest::header::{ACCEPT, COOKIE};
use serde_json::{json, Value};

impl Door {
    /// Sends `scans` (nonce, what was read, scan time) from `device`; the status and the answer.
    async fn sync_from(&self, device: &str, scans: &[(&str, &str, DateTime<Utc>)]) -> (u16, Value) {
        let scans: Vec<Value> = scans
            .iter()
            .map(|(nonce, read, at)| json!({ "nonce": nonce, "scanned": read, "scanned_at": at }))
            .collect();
        self.sync_body(&self.cookie, json!({ "csrf": self.csrf, "device": device, "scans": scans })).await
    }

    async fn sync_body(&self, cookie: &str, body: Value) -> (u16, Value) {
        let app = &self.staff.app;
        let res = app
            .http
            .post(format!("{}/sfn/door_sync", app.base))
            .header(ACCEPT, "application/json")
            .header(COOKIE, cookie)
            .json(&body)
            .send()
            .await
            .expect("request");
        let status = res.status().as_u16();
        (status, res.json().await.expect("JSON"))
    }

    /// The same operator's new session, as after their last one ended.
    async fn signed_in_again(self) -> Door {
        let cookie = self.staff.signed_in_operator().await;
        let csrf = crate::staff::csrf_of(&self.staff.get("/operator", &cookie).await.text().await.expect("body"));
        Door { cookie, csrf, ..self }
    }

    /// A sync the server takes: its answer.
    async fn sync(&self, device: &str, scans: &[(&str, &str, DateTime<Utc>)]) -> Value {
        let (status, body) = self.sync_from(device, scans).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["scans"].as_array().map(Vec::len), Some(scans.len()), "{body}");
        body
    }

    /// The signed payload a ticket reserved `days` from today at `hour` shows on its QR code,
    /// signed here rather than read off a rendered image (`door` does that), to keep these light.
    async fn reserved_payload(&self, days: i64, hour: u32) -> (TicketId, String, String) {
        let app = &self.staff.app;
        let (id, code) = app.reserved(days, hour).await;
        let payload = gatehouse::tickets::signed::sign_ticket(
            &app.engine.db,
            &code,
            app.orq().await,
            Some(venue_day(days)),
            app.engine.now(),
        )
        .await
        .expect("a signed payload");
        (id, code.as_str().to_string(), payload.to_string())
    }
}

/// One column of the check-in log's row for `nonce`, as text.
async fn logged(app: &TestApp, column: &str, nonce: &str) -> Option<String> {
    let sql = format!(
        "SELECT CAST({column} AS TEXT) FROM checkin_log WHERE client_nonce = $1 AND orq = (SELECT MIN(id) FROM organizations)"
    );
    let row: Option<(Option<String>,)> =
        gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as(&sql).bind(nonce).fetch_optional(pool).await)
            .expect("log row");
    row.and_then(|(value,)| value)
}

async fn verified_at(app: &TestApp, id: TicketId) -> Option<DateTime<Utc>> {
    let row: (Option<DateTime<Utc>>,) = gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as(
        "SELECT verified_at FROM tickets WHERE id = $1").bind(id).fetch_one(pool).await)
    .expect("ticket");
    row.0
}

async fn log_size(app: &TestApp) -> i64 {
    app.scalar("SELECT COUNT(*) FROM checkin_log WHERE orq = $1", app.orq().await.0).await
}

/// The venue's wall clock on `day` days from today, as an instant.
fn venue_time(days: i64, hour: u32, minute: u32) -> DateTime<Utc> {
    let local = venue_day(days).and_hms_opt(hour, minute, 0).expect("time");
    chrono_tz::America::New_York.from_local_datetime(&local).single().expect("unambiguous").with_timezone(&Utc)
}

backend_tests! {
    async fn an_offline_admission_takes_effect_at_its_scan_time_and_is_logged_as_offline(backend: Backend) {
        let door = Door::open(backend).await;
        let app = &door.staff.app;
        let (id, code, payload) = door.reserved_payload(0, 12).await;
        let scanned_at = test_now() - Duration::minutes(20);

        let answer = door.sync("South door", &[("n-1", &payload, scanned_at)]).await;

        let synced = &answer["scans"][0];
        assert_eq!(synced["nonce"], "n-1", "{answer}");
        assert_eq!(synced["verdict"]["Admitted"]["code"], code.as_str(), "{answer}");
        assert_eq!(synced["conflict"], false);
        assert_eq!(answer["tally"]["admitted"], 1, "an offline admission counts as admitted");
        assert_eq!(app.status(id).await, "VERIFIED");
        assert_eq!(verified_at(app, id).await, Some(scanned_at), "the scan's time, not the sync's");
        assert_eq!(logged(app, "outcome", "n-1").await.as_deref(), Some("VERIFIED"));
        assert_eq!(logged(app, "device", "n-1").await.as_deref(), Some("South door"));
        assert!(matches!(logged(app, "offline", "n-1").await.as_deref(), Some("1" | "true")));
        assert_eq!(logged(app, "ticket_id", "n-1").await, Some(id.0.to_string()));
        let logged_scan = logged(app, "scanned_at", "n-1").await.expect("the scan time");
        assert!(logged_scan.starts_with(&scanned_at.format("%Y-%m-%d").to_string()), "{logged_scan}");
        let online = app.scalar("SELECT COUNT(*) FROM checkin_log WHERE offline = FALSE AND ticket_id = $1", id).await;
        assert_eq!(online, 0);
    }

    async fn resending_the_same_nonces_changes_nothing_and_answers_the_same(backend: Backend) {
        let door = Door::open(backend).await;
        let app = &door.staff.app;
        let (id, _, today) = door.reserved_payload(0, 12).await;
        let (_, _, later) = door.reserved_payload(3, 12).await;
        let at = test_now() - Duration::minutes(5);
        let queue = [("a", today.as_str(), at), ("b", later.as_str(), at), ("c", "TKT-NOPE", at)];

        let first = door.sync("North door", &queue).await;
        assert!(first["scans"][0]["verdict"]["Admitted"].is_object(), "{first}");
        assert!(first["scans"][1]["verdict"]["WrongDate"].is_object(), "{first}");
        assert!(first["scans"][2]["verdict"]["Invalid"].is_object(), "{first}");
        let size = log_size(app).await;
        app.clock.advance(Duration::hours(2));

        let again = door.sync("North door", &queue).await;
        assert_eq!(again, first, "the same answers, tally included");
        assert_eq!(log_size(app).await, size, "nothing more logged");
        assert_eq!(verified_at(app, id).await, Some(at));

        let repeated = door.sync("North door", &[("b", later.as_str(), at), ("b", later.as_str(), at)]).await;
        assert_eq!(repeated["scans"][0], first["scans"][1]);
        assert_eq!(repeated["scans"][1], first["scans"][1], "a nonce twice in one batch is one scan");
        assert_eq!(log_size(app).await, size);
    }

    async fn a_ticket_admitted_on_another_device_first_is_logged_as_a_conflict(backend: Backend) {
        let door = Door::open(backend).await;
        let app = &door.staff.app;
        let (id, code, payload) = door.reserved_payload(0, 12).await;
        let first_at = test_now() - Duration::minutes(30);
        door.sync("North door", &[("north-1", &payload, first_at)]).await;

        let answer = door.sync("South door", &[("south-1", &payload, test_now() - Duration::minutes(10))]).await;

        let synced = &answer["scans"][0];
        assert_eq!(synced["conflict"], true, "{answer}");
        let already = &synced["verdict"]["AlreadyVerified"];
        assert_eq!(already["code"], code.as_str(), "{answer}");
        assert_eq!(already["by"], "Olivia Operator");
        assert_eq!(already["at"], first_at.with_timezone(&chrono_tz::America::New_York).naive_local().format("%Y-%m-%dT%H:%M:%S").to_string());
        assert_eq!(logged(app, "outcome", "south-1").await.as_deref(), Some("CONFLICT"));
        assert_eq!(logged(app, "device", "south-1").await.as_deref(), Some("South door"));
        assert_eq!(logged(app, "ticket_id", "south-1").await, Some(id.0.to_string()));
        assert_eq!(verified_at(app, id).await, Some(first_at), "the first admission stands");
        assert_eq!(answer["tally"]["admitted"], 1);
        assert_eq!(answer["tally"]["refused"], json!([["CONFLICT", 1]]));

        let (_, online_code) = app.reserved(0, 14).await;
        let online = door.sync("South door", &[("south-2", online_code.as_str(), test_now())]).await;
        assert!(online["scans"][0]["verdict"]["Admitted"].is_object(), "a typed code syncs too: {online}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_devices_syncing_the_same_tickets_at_the_same_moment_admit_each_once(backend: Backend) {
        let door = Door::open(backend).await;
        let app = &door.staff.app;
        let mut payloads = Vec::new();
        for hour in [12, 14, 16, 12, 14, 16] {
            payloads.push(door.reserved_payload(0, hour).await);
        }
        let at = test_now() - Duration::minutes(1);
        let north: Vec<(String, &str, DateTime<Utc>)> =
            payloads.iter().enumerate().map(|(i, (_, _, p))| (format!("north-{i}"), p.as_str(), at)).collect();
        let south: Vec<(String, &str, DateTime<Utc>)> =
            payloads.iter().enumerate().map(|(i, (_, _, p))| (format!("south-{i}"), p.as_str(), at)).collect();
        let north: Vec<(&str, &str, DateTime<Utc>)> = north.iter().map(|(n, p, at)| (n.as_str(), *p, *at)).collect();
        let south: Vec<(&str, &str, DateTime<Utc>)> = south.iter().map(|(n, p, at)| (n.as_str(), *p, *at)).collect();

        let (a, b) = tokio::join!(door.sync("North door", &north), door.sync("South door", &south));

        for (i, (id, _, _)) in payloads.iter().enumerate() {
            let admitted = [&a, &b].iter().filter(|s| s["scans"][i]["verdict"]["Admitted"].is_object()).count();
            let conflicts = [&a, &b].iter().filter(|s| s["scans"][i]["conflict"] == true).count();
            assert_eq!((admitted, conflicts), (1, 1), "ticket {i}: {a} {b}");
            let outcomes = app.scalar(
                "SELECT COUNT(*) FROM checkin_log WHERE ticket_id = $1 AND outcome IN ('VERIFIED', 'CONFLICT')", *id).await;
            assert_eq!(outcomes, 2);
            assert_eq!(app.status(*id).await, "VERIFIED");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn the_same_queue_sent_twice_at_once_is_applied_once_and_answered_alike(backend: Backend) {
        let door = Door::open(backend).await;
        let app = &door.staff.app;
        let (id, _, payload) = door.reserved_payload(0, 12).await;
        let (_, _, later) = door.reserved_payload(1, 12).await;
        let at = test_now() - Duration::minutes(3);
        let queue = [("q-1", payload.as_str(), at), ("q-2", later.as_str(), at)];
        let size = log_size(app).await;

        let (a, b) = tokio::join!(door.sync("North door", &queue), door.sync("North door", &queue));

        assert_eq!(a["scans"], b["scans"]);
        assert!(a["scans"][0]["verdict"]["Admitted"].is_object(), "{a}");
        assert_eq!(log_size(app).await, size + 2);
        assert_eq!(verified_at(app, id).await, Some(at));
    }

    async fn a_scan_at_23_58_synced_after_midnight_admits_for_that_day(backend: Backend) {
        let door = Door::open(backend).await;
        let (id, _, tonight) = door.reserved_payload(0, 16).await;
        let (_, _, tomorrow) = door.reserved_payload(1, 10).await;
        let scanned_at = venue_time(0, 23, 58);
        door.staff.app.clock.advance(venue_time(1, 0, 30) - test_now());
        // The operator's session ended overnight: signed in again, the device sends its queue.
        let door = door.signed_in_again().await;

        let answer = door.sync("North door", &[("late", &tonight, scanned_at), ("early", &tomorrow, scanned_at)]).await;

        assert!(answer["scans"][0]["verdict"]["Admitted"].is_object(), "{answer}");
        assert_eq!(verified_at(&door.staff.app, id).await, Some(scanned_at));
        let wrong = &answer["scans"][1]["verdict"]["WrongDate"];
        assert_eq!(wrong["today"], venue_day(0).to_string(), "the scan's day, not the sync's: {answer}");
        assert_eq!(wrong["reserved"], venue_day(1).to_string());
    }

    async fn a_forged_payload_is_refused_and_recorded_with_its_nonce(backend: Backend) {
        let door = Door::open(backend).await;
        let app = &door.staff.app;
        let (id, _, genuine) = door.reserved_payload(2, 12).await;
        let forged = genuine.replacen(&venue_day(2).format("%Y%m%d").to_string(), &venue_day(0).format("%Y%m%d").to_string(), 1);

        let answer = door.sync("North door", &[("forged", &forged, test_now())]).await;

        let invalid = &answer["scans"][0]["verdict"]["Invalid"];
        assert_eq!(invalid["reason"], "INVALID_SIGNATURE", "{answer}");
        assert_eq!(answer["scans"][0]["conflict"], false);
        assert_eq!(logged(app, "outcome", "forged").await.as_deref(), Some("INVALID_SIGNATURE"));
        assert_eq!(logged(app, "ticket_id", "forged").await, None);
        assert_eq!(app.status(id).await, "RESERVED");
        assert_eq!(door.sync("North door", &[("forged", &forged, test_now())]).await, answer);
    }

    async fn a_batch_over_the_limit_or_with_an_unusable_nonce_is_refused_whole(backend: Backend) {
        let door = Door::open(backend).await;
        let app = &door.staff.app;
        let (id, _, payload) = door.reserved_payload(0, 12).await;
        // The longest nonces there may be: 200 of them with signed payloads still fit a request.
        let nonces: Vec<String> = (0..201).map(|i| format!("{i:064}")).collect();
        let queue: Vec<(&str, &str, DateTime<Utc>)> = nonces.iter().map(|n| (n.as_str(), payload.as_str(), test_now())).collect();
        let size = log_size(app).await;

        let (status, body) = door.sync_from("North door", &queue).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("SYNC_BATCH_TOO_LARGE")), "{body}");
        let (status, body) = door.sync_from("North door", &[("fine", &payload, test_now()), ("", &payload, test_now())]).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("INVALID_NONCE")), "{body}");

        assert_eq!(log_size(app).await, size);
        assert_eq!(app.status(id).await, "RESERVED");
        door.sync("North door", &queue[..200]).await;
        assert_eq!(app.status(id).await, "VERIFIED", "200 is within the bound");
    }

    async fn the_sync_and_the_keys_need_a_session_and_its_token(backend: Backend) {
        let door = Door::open(backend).await;
        let app = &door.staff.app;
        let (id, _, payload) = door.reserved_payload(0, 12).await;
        let scans = json!([{ "nonce": "x", "scanned": payload, "scanned_at": test_now() }]);
        for token in ["", "forged"] {
            let (status, body) = door.sync_body(&door.cookie, json!({ "csrf": token, "device": "", "scans": scans })).await;
            assert_eq!((status, body["code"].as_str()), (403, Some("CSRF_INVALID")), "{token:?}");
        }
        let (status, body) = door.sync_body("", json!({ "csrf": door.csrf, "device": "", "scans": scans })).await;
        assert_eq!((status, body["code"].as_str()), (401, Some("NOT_SIGNED_IN")));
        assert_eq!(app.status(id).await, "RESERVED");

        let (status, body) = door.call("door_keys", &[("csrf", "forged")]).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("CSRF_INVALID")));
    }

    async fn the_keys_a_scanner_keeps_verify_its_tickets_offline_on_the_venues_day(backend: Backend) {
        use gatehouse::tickets::signed::{verify_offline, PublicKey, SignedTicket};
        let door = Door::open(backend).await;
        let (_, _, payload) = door.reserved_payload(0, 12).await;

        let (status, body) = door.call("door_keys", &[("csrf", door.csrf.as_str())]).await;

        assert_eq!(status, 200, "{body}");
        assert_eq!(body["time_zone"], "America/New_York");
        assert_eq!(body["today"], venue_day(0).to_string());
        let keys: Vec<PublicKey> = serde_json::from_value(body["keys"].clone()).expect("public keys");
        let ticket = SignedTicket::parse(&payload).expect("a payload");
        assert_eq!(verify_offline(&ticket, &keys, venue_day(0)), Ok(()));
        assert!(body.to_string().find("secret").is_none(), "{body}");
    }
}
