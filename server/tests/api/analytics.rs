//! Analytics on a known data set: every figure exact, on both databases. The demo's slots
//! (10, 12, 14 and 16 h, two hours each) on three days ten days ahead, which the demo leaves
//! empty; bookings, cancellations, admissions and refusals made through the API as time moves.
use crate::support::{backend_tests, venue_day, Backend, TestApp};
use chrono::{DateTime, TimeZone, Utc};
use gatehouse::analytics::{analyze, Analytics, DateRange, Table};
use gatehouse::ids::TicketId;
use serde_json::json;

fn utc(day: u32, hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, day, hour, minute, second).single().expect("instant")
}

/// Thursday 3 to Saturday 5 December 2026, in New York.
fn range() -> DateRange {
    DateRange::new(venue_day(10), venue_day(12)).expect("range")
}

async fn admit(app: &TestApp, token: &str, id: TicketId) -> String {
    let (_, body) = app.post_as(Some(token), "/api/operator/verify-ticket", json!({ "ticket_id": id })).await;
    body["data"]["status"].as_str().or(body["error"]["code"].as_str()).unwrap_or_default().to_string()
}

async fn activated_at(app: &TestApp, id: TicketId, at: DateTime<Utc>) {
    gatehouse::on_pool!(&app.engine.db, pool => sqlx::query("UPDATE tickets SET activated_at = $2 WHERE id = $1")
        .bind(id).bind(at).execute(pool).await.map(|_| ()))
    .expect("set activation");
}

/// The known data set, analysed on Friday 4 December at 17:00 in New York.
async fn known_analytics(app: &TestApp) -> Analytics {
    let operator = app.token("operator").await;
    let t = app.tickets("ACTIVATED", 8).await;
    let (a1, a2, a3, b1, c1, c2, e1, x1) = (t[0].0, t[1].0, t[2].0, t[3].0, t[4].0, t[5].0, t[6].0, t[7].0);
    // Booked on 23 November at 15:00 UTC.
    for (ticket, days, hour) in
        [(a1, 10, 10), (a2, 10, 10), (a3, 10, 10), (b1, 10, 12), (c1, 11, 14), (c2, 11, 14), (e1, 12, 10)]
    {
        app.reserve_ok(ticket, app.slot(days, hour).await).await;
    }
    let manage = app.reserve_managed(x1, app.slot(11, 10).await).await;
    let x1_code = app.text("SELECT ticket_code FROM tickets WHERE id = $1", x1).await;
    assert_eq!(app.cancel(&x1_code, &manage).await.0, 200);
    // A refusal before the range: not counted.
    assert_eq!(admit(app, &operator, a3).await, "WRONG_DATE");

    // Thursday 09:30: a late booking, two and a half hours ahead.
    app.clock.set(utc(3, 14, 30, 0));
    let (f1, _) = app.ticket("ACTIVATED").await;
    app.reserve_ok(f1, app.slot(10, 12).await).await;
    // Thursday 10:30 at the door: two admitted, one on the wrong day, one twice.
    app.clock.set(utc(3, 15, 30, 0));
    assert_eq!(admit(app, &operator, a1).await, "VERIFIED");
    assert_eq!(admit(app, &operator, a2).await, "VERIFIED");
    assert_eq!(admit(app, &operator, c1).await, "WRONG_DATE");
    assert_eq!(admit(app, &operator, a1).await, "ALREADY_VERIFIED");
    // Friday 14:30.
    app.clock.set(utc(4, 19, 30, 0));
    assert_eq!(admit(app, &operator, c1).await, "VERIFIED");

    // Activations at the range's edges (midnight in New York is 05:00 UTC): five inside.
    let fresh = app.tickets("ACTIVATED", 7).await;
    let inside = [utc(3, 5, 0, 0), utc(3, 17, 0, 0), utc(4, 12, 0, 0), utc(5, 20, 0, 0), utc(6, 4, 59, 59)];
    for ((id, _), at) in fresh.iter().zip(inside) {
        activated_at(app, *id, at).await;
    }
    activated_at(app, fresh[5].0, utc(3, 4, 59, 59)).await;
    activated_at(app, fresh[6].0, utc(6, 5, 0, 0)).await;
    // Friday 17:00: two of those inside are booked, for a day after the range.
    app.clock.set(utc(4, 22, 0, 0));
    app.reserve_ok(fresh[0].0, app.slot(13, 10).await).await;
    app.reserve_ok(fresh[4].0, app.slot(13, 12).await).await;
    app.reserve_ok(fresh[5].0, app.slot(13, 14).await).await;

    analyze(&app.engine, app.orq().await, range()).await.expect("analytics")
}

backend_tests! {
    async fn slots_and_days_show_booked_and_admitted_against_capacity(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        app.set_capacity(app.slot(10, 10).await, 4).await;
        let a = known_analytics(&app).await;
        let slots: Vec<(String, String, i64, i64, i64, bool)> = a
            .slots
            .iter()
            .map(|s| (s.date.to_string(), s.start_time.format("%H:%M").to_string(), s.capacity, s.booked, s.admitted, s.ended))
            .collect();
        assert_eq!(slots.len(), 12);
        assert_eq!(slots[0], ("2026-12-03".into(), "10:00".into(), 4, 3, 2, true));
        assert_eq!(slots[1], ("2026-12-03".into(), "12:00".into(), 200, 2, 0, true));
        assert_eq!(slots[5], ("2026-12-04".into(), "12:00".into(), 200, 0, 0, true));
        assert_eq!(slots[6], ("2026-12-04".into(), "14:00".into(), 200, 2, 1, true));
        assert_eq!(slots[7], ("2026-12-04".into(), "16:00".into(), 200, 0, 0, false));
        assert_eq!(slots[8], ("2026-12-05".into(), "10:00".into(), 200, 1, 0, false));
        assert_eq!(a.slots[0].utilization(), Some(75));
        let days: Vec<(String, i64, i64, i64, i64)> =
            a.days.iter().map(|d| (d.date.to_string(), d.slots, d.capacity, d.booked, d.admitted)).collect();
        assert_eq!(
            days,
            [
                ("2026-12-03".into(), 4, 604, 5, 2),
                ("2026-12-04".into(), 4, 800, 2, 1),
                ("2026-12-05".into(), 4, 800, 1, 0)
            ]
        );
    }
}

backend_tests! {
    async fn demand_is_mapped_to_the_slots_weekday_and_hour(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let a = known_analytics(&app).await;
        // Thursday, Friday, Saturday are rows 3, 4, 5 (Monday first).
        let mut expected = [[0i64; 24]; 7];
        expected[3][10] = 3;
        expected[3][12] = 2;
        expected[4][14] = 2;
        expected[5][10] = 1;
        assert_eq!(a.heatmap.counts, expected);
        assert_eq!(a.heatmap.hours, Some((10, 16)));
    }
}

backend_tests! {
    async fn conversion_counts_tickets_activated_between_the_venues_midnights(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let a = known_analytics(&app).await;
        assert_eq!((a.conversion.activated, a.conversion.reserved, a.conversion.rate()), (5, 2, Some(40)));
    }
}

backend_tests! {
    async fn no_shows_are_the_unadmitted_reservations_of_ended_slots(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let a = known_analytics(&app).await;
        assert_eq!((a.no_shows.reservations, a.no_shows.admitted), (7, 3));
        assert_eq!((a.no_shows.no_shows(), a.no_shows.rate()), (4, Some(57)));
    }
}

backend_tests! {
    async fn lead_time_is_measured_from_booking_to_the_slots_start(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let a = known_analytics(&app).await;
        // 2 h once; 240 h three times, 242, 268 twice, 288; the cancelled booking not at all.
        assert_eq!(a.lead_time.reservations, 8);
        assert_eq!((a.lead_time.median_hours, a.lead_time.p90_hours), (Some(240), Some(288)));
        let buckets: Vec<i64> = a.lead_time.buckets.iter().map(|b| b.count).collect();
        assert_eq!(buckets, [0, 1, 0, 0, 7, 0, 0]);
    }
}

backend_tests! {
    async fn refusals_at_the_door_in_the_range_are_counted_by_reason(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let a = known_analytics(&app).await;
        assert_eq!(a.refusals, [("ALREADY_VERIFIED".to_string(), 1), ("WRONG_DATE".to_string(), 1)]);
        let csv = gatehouse::analytics::csv::to_csv(&a.table(Table::Refusals));
        assert_eq!(csv, "reason,refusals\r\nALREADY_VERIFIED,1\r\nWRONG_DATE,1\r\n");
    }
}

backend_tests! {
    async fn a_range_with_nothing_in_it_answers_zeros(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let quiet = DateRange::new(venue_day(200), venue_day(206)).expect("range");
        let a = analyze(&app.engine, app.orq().await, quiet).await.expect("analytics");
        assert_eq!((a.slots.len(), a.days.len()), (0, 7));
        assert_eq!((a.conversion.activated, a.no_shows.reservations, a.lead_time.reservations), (0, 0, 0));
        assert_eq!((a.no_shows.rate(), a.lead_time.median_hours, a.heatmap.hours), (None, None, None));
        assert!(a.refusals.is_empty());
    }
}

#[tokio::test]
async fn a_table_download_sends_a_visitor_without_an_admin_session_to_sign_in() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let res = http
        .get(format!("{}/admin/analytics/days.csv?from=2026-12-03&until=2026-12-05", app.base))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers().get("location").and_then(|v| v.to_str().ok()), Some("/admin/login"));
    let res = http.get(format!("{}/admin/analytics/passwords.csv", app.base)).send().await.expect("request");
    assert_eq!(res.status(), 404);
}
