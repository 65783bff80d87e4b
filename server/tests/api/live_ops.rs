//! Live operations: the snapshot's figures on a known day, the admin's stream (`/admin/live/stream`)
//! sending a new snapshot after a booking, and two instances on one PostgreSQL where a booking
//! made on one reaches the streams open on the other.
use crate::staff::Staff;
use crate::support::{
    backend_tests, code_of, postgres_url_or_skip, test_now, venue_day, Backend, EventStream, TestApp,
};
use gatehouse::admission::offline::OfflineScan;
use gatehouse::admission::Door;
use gatehouse::ops::{self, Snapshot};
use gatehouse::Engine;
use reqwest::header::COOKIE;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

async fn snapshot(app: &TestApp) -> Snapshot {
    ops::snapshot(&app.engine.db, app.orq().await, app.engine.now()).await.expect("read").expect("a venue")
}

fn line(snapshot: &Snapshot, hour: u32) -> &ops::SlotLine {
    let start = chrono::NaiveTime::from_hms_opt(hour, 0, 0).expect("time");
    snapshot.slots.iter().find(|s| s.start == start).expect("the slot")
}

fn reasons(counts: &[ops::ReasonCount], reason: &str) -> i64 {
    counts.iter().find(|r| r.reason == reason).map_or(0, |r| r.count)
}

async fn validate(app: &TestApp, token: &str, code: &str) -> Value {
    app.post_as(Some(token), "/api/operator/validate-ticket", json!({ "ticket_code": code })).await.1
}

async fn verify(app: &TestApp, token: &str, id: gatehouse::ids::TicketId) {
    let (status, body) = app.post_as(Some(token), "/api/operator/verify-ticket", json!({ "ticket_id": id })).await;
    assert_eq!(status, 200, "{body}");
}

backend_tests! {
    async fn the_snapshot_counts_the_days_bookings_admissions_refusals_and_conflicts(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let operator = app.token("operator").await;
        let before = snapshot(&app).await;
        let noon = app.slot(0, 12).await;

        // Three booked at noon, two of them admitted; one booking refused (10:00 has started).
        let mut booked = Vec::new();
        for _ in 0..3 {
            let (id, code) = app.ticket("ACTIVATED").await;
            app.reserve_ok(id, noon).await;
            booked.push((id, code));
        }
        let (late, _) = app.ticket("ACTIVATED").await;
        assert_eq!(code_of(&app.reserve(late, app.slot(0, 10).await).await.1), "SLOT_IN_PAST");
        for (id, code) in &booked[..2] {
            validate(&app, &operator, code.as_str()).await;
            verify(&app, &operator, *id).await;
        }
        // At the door: one for tomorrow (refused), and an offline scan of an admitted ticket.
        let (_, tomorrow) = app.reserved(1, 12).await;
        validate(&app, &operator, tomorrow.as_str()).await;
        let user = gatehouse::staff::user_by_username(&app.engine.db, "operator").await.expect("q").expect("user");
        let door = Door { operator_id: user.id, orq: app.orq().await, device: "East door".into() };
        let scan = OfflineScan { nonce: "n-1".into(), scanned: booked[0].1.as_str().into(), scanned_at: test_now() };
        let synced = gatehouse::admission::sync(&app.engine, &door, &[scan]).await.expect("sync");
        assert!(synced[0].conflict);
        gatehouse::events::tally::flush(&app.engine).await.expect("flush");

        let after = snapshot(&app).await;
        assert_eq!(after.today, venue_day(0));
        assert_eq!(line(&after, 12).booked, line(&before, 12).booked + 3);
        assert_eq!(line(&after, 12).admitted, line(&before, 12).admitted + 2);
        assert_eq!(line(&after, 10).when, ops::SlotWhen::Running);
        // Scans: two valid, one for another day, one offline conflict.
        assert_eq!(after.door_recent.total, before.door_recent.total + 4);
        assert_eq!(after.door_recent.refused, before.door_recent.refused + 2);
        assert_eq!(after.door_today.total, before.door_today.total + 4);
        assert_eq!(reasons(&after.refusals_recent, "WRONG_DATE"), reasons(&before.refusals_recent, "WRONG_DATE") + 1);
        assert_eq!(reasons(&after.refusals_today, "CONFLICT"), reasons(&before.refusals_today, "CONFLICT") + 1);
        assert_eq!(after.scans_per_minute.len(), 15);
        assert_eq!(
            after.scans_per_minute.last().map(|m| m.scans),
            before.scans_per_minute.last().map(|m| m.scans + 4)
        );
        // Bookings: four made (three at noon, one tomorrow) and the late one refused.
        assert_eq!(after.bookings_recent.total, before.bookings_recent.total + 5);
        assert_eq!(after.bookings_recent.refused, before.bookings_recent.refused + 1);
        assert_eq!(after.bookings_today, after.bookings_recent);
        // The latest check-in is the conflict, its code masked, with who and where.
        assert_eq!(after.conflicts_today, before.conflicts_today + 1);
        let last = &after.latest[0];
        assert_eq!((last.outcome.as_str(), last.offline), ("CONFLICT", true));
        assert_eq!(last.code, gatehouse::ops::mask_code(booked[0].1.as_str()));
        assert_eq!(last.operator.as_deref(), Some(user.display_name.as_str()));
        assert_eq!(after.conflicts[0], *last);
        assert!(after.latest.len() <= 20);

        // At 12:30 the noon slot runs: its admitted are inside; the 10:00 slot's have left.
        app.clock.set(test_now() + chrono::Duration::minutes(150));
        let later = snapshot(&app).await;
        assert_eq!(line(&later, 12).when, ops::SlotWhen::Running);
        assert_eq!(line(&later, 10).when, ops::SlotWhen::Ended);
        assert_eq!(later.occupancy, line(&later, 12).admitted);
        assert_eq!(later.door_recent.total, 0, "the morning's scans are more than 15 minutes ago");
    }
}

backend_tests! {
    async fn a_nearly_full_slot_and_a_failing_booking_rate_raise_alerts(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let noon = app.slot(0, 12).await;
        let booked = app.booked(noon).await;
        app.set_capacity(noon, booked + 1).await;
        let (id, _) = app.ticket("ACTIVATED").await;
        app.reserve_ok(id, noon).await;
        // Ten refused attempts: the slot is full now.
        for (id, _) in app.tickets("ACTIVATED", 10).await {
            assert_eq!(app.reserve(id, noon).await.0, 409);
        }
        gatehouse::events::tally::flush(&app.engine).await.expect("flush");
        let alerts = snapshot(&app).await.alerts;
        assert!(
            alerts.iter().any(|a| matches!(a, ops::Alert::SlotNearlyFull { slot_id, .. } if *slot_id == noon)),
            "{alerts:?}"
        );
        assert!(alerts.iter().any(|a| matches!(a, ops::Alert::BookingRefusals(r) if r.refused == 10)), "{alerts:?}");
    }
}

backend_tests! {
    async fn booking_attempt_counts_are_kept_eight_days_then_deleted(backend: Backend) {
        use gatehouse::events::tally;
        let app = TestApp::with_demo(backend).await;
        let (id, _) = app.ticket("ACTIVATED").await;
        let refused = app.reserve(id, app.slot(0, 10).await).await.1;
        assert_eq!(code_of(&refused), "SLOT_IN_PAST", "10:00 has started: refused, and counted");
        tally::flush(&app.engine).await.expect("flush");
        let now = app.engine.now();
        assert_eq!(tally::prune(&app.engine.db, now).await.expect("prune"), 0, "today's counts stay");
        let later = now + tally::KEPT + chrono::Duration::minutes(2);
        assert!(tally::prune(&app.engine.db, later).await.expect("prune") >= 1, "older counts go");
        assert_eq!(tally::prune(&app.engine.db, later).await.expect("prune"), 0, "and are gone");
    }
}

/// The admin's stream on `base`, opened with the admin's session cookie.
async fn admin_stream(http: &reqwest::Client, base: &str, cookie: &str) -> EventStream {
    let res = http.get(format!("{base}/admin/live/stream")).header(COOKIE, cookie).send().await.expect("request");
    EventStream::of(res)
}

fn booked_at(snapshot: &Value, hour: u32) -> i64 {
    let start = format!("{hour:02}:00:00");
    let slots = snapshot["slots"].as_array().expect("slots");
    slots.iter().find(|s| s["start"] == start.as_str()).expect("the slot")["booked"].as_i64().expect("booked")
}

backend_tests! {
    async fn the_admin_stream_sends_the_snapshot_at_once_and_a_new_one_after_a_booking(backend: Backend) {
        let staff = Staff::new(backend).await;
        let app = &staff.app;
        let cookie = staff.signed_in_admin().await;
        let mut stream = admin_stream(&app.http, &app.base, &cookie).await;
        let first = stream.next("snapshot").await.expect("the snapshot at once");
        assert_eq!(app.engine.events.open_streams(), 1);
        let (id, _) = app.ticket("ACTIVATED").await;
        app.reserve_ok(id, app.slot(0, 14).await).await;
        let next = stream.next("snapshot").await.expect("an update");
        assert_eq!(booked_at(&next, 14), booked_at(&first, 14) + 1);
        app.engine.events.close();
        assert!(stream.next("snapshot").await.is_none(), "shutting down ends the stream");
    }
}

backend_tests! {
    async fn the_live_stream_is_for_admins_only(backend: Backend) {
        let staff = Staff::new(backend).await;
        let app = &staff.app;
        let nobody = app.get("/admin/live/stream").await;
        assert_eq!(nobody.status().as_u16(), 401);
        let operator = staff.signed_in_operator().await;
        let res = app.http.get(format!("{}/admin/live/stream", app.base)).header(COOKIE, operator).send().await.expect("request");
        assert_eq!(res.status().as_u16(), 401);
        assert_eq!(res.json::<Value>().await.expect("json")["error"]["code"], "NOT_SIGNED_IN");
    }
}

/// Another server on the same database, as a second instance of Gatehouse would be: its own
/// engine (events, batcher, bridge) and its own port. Answers its address.
async fn second_instance(app: &TestApp) -> (String, Engine) {
    let engine = Engine::new(app.engine.db.clone(), app.engine.clock.clone());
    server::jobs::spawn_live(engine.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let options = server::router::leptos_options(std::path::Path::new("target/site"), addr);
    let limits = crate::support::no_rate_limits();
    let router = server::router::router(
        engine.clone(),
        options,
        &limits,
        server::security::Site::default(),
        server::sfn_errors::Seal::ephemeral(),
    );
    tokio::spawn(server::serve::serve(listener, router, limits, std::future::pending()));
    (format!("http://{addr}"), engine)
}

/// Two instances on one PostgreSQL: a booking on the first reaches, through LISTEN/NOTIFY, the
/// admin's stream and a booking page's stream open on the second, well before any periodic read.
#[tokio::test]
async fn a_booking_on_one_instance_reaches_the_streams_open_on_another() {
    if postgres_url_or_skip(concat!(module_path!(), "::a_booking_on_one_instance_reaches_the_streams_open_on_another"))
        .is_none()
    {
        return;
    }
    let staff = Staff::new(Backend::Postgres).await;
    let a = &staff.app;
    let (b, b_engine) = second_instance(a).await;
    let cookie = staff.signed_in_admin().await;
    let mut admin = admin_stream(&a.http, &b, &cookie).await;
    let day = venue_day(0);
    let orq = a.orq().await;
    let portal = a.http.get(format!("{b}/live/slots?venue={orq}&date={day}")).send().await.expect("request");
    let mut portal = EventStream::of(portal);
    let first = admin.next("snapshot").await.expect("snapshot");
    let slots = portal.next("slots").await.expect("slots");
    assert_eq!(b_engine.events.open_streams(), 2);

    let started = Instant::now();
    let (id, _) = a.ticket("ACTIVATED").await;
    a.reserve_ok(id, a.slot(0, 16).await).await;
    let next = admin.next("snapshot").await.expect("the booking, on the other instance");
    assert_eq!(booked_at(&next, 16), booked_at(&first, 16) + 1);
    let fresh = portal.next("slots").await.expect("the booking, on the other instance's booking page");
    assert_ne!(fresh, slots);
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}: not by a periodic read", started.elapsed());
}
