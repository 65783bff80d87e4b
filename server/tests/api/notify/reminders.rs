//! Reminders a day and two hours ahead, on the manual clock: each once, only for visits booked
//! before their time, never for a visit cancelled or moved meanwhile.
use super::{body_of, mailbox_postman};
use crate::support::{backend_tests, Backend, TestApp};
use chrono::Duration;
use gatehouse::notify::reminders::queue_due;

/// The demo slot `days` ahead at `hour` starts at this instant (New York is UTC-5 in November).
fn starts(app: &TestApp, days: i64, hour: u32) -> chrono::DateTime<chrono::Utc> {
    let _ = app;
    let date = crate::support::venue_day(days);
    chrono::TimeZone::from_local_datetime(&chrono_tz::America::New_York, &date.and_hms_opt(hour, 0, 0).unwrap())
        .single()
        .unwrap()
        .with_timezone(&chrono::Utc)
}

/// Reminders written for ticket `ticket`'s reservations by this call (the demo's own visits
/// get theirs too).
async fn due_for(app: &TestApp, engine: &gatehouse::Engine, ticket: gatehouse::ids::TicketId) -> i64 {
    queue_due(engine).await.expect("due");
    app.scalar(
        "SELECT COUNT(*) FROM outbox o JOIN ticket_reservations r ON r.id = o.reservation_id
         WHERE r.ticket_id = $1 AND o.kind LIKE 'reminder%'",
        ticket,
    )
    .await
}

fn kinds(rows: &[(String, String, String, String)]) -> Vec<String> {
    rows.iter().map(|(k, c, _, s)| format!("{k}/{c}/{s}")).collect()
}

backend_tests! {
    async fn a_visit_booked_days_ahead_gets_both_reminders_each_once(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, _) = app.ticket("ACTIVATED").await;
        app.reserve_ok(ticket, app.slot(3, 12).await).await;
        let at = starts(&app, 3, 12);
        let postman = mailbox_postman();
        postman.deliver_all_due(&app.engine).await.expect("deliver");
        app.clock.set(at - Duration::hours(24) - Duration::minutes(1));
        assert_eq!(due_for(&app, &app.engine, ticket).await, 0, "not yet");
        app.clock.set(at - Duration::hours(24));
        assert_eq!(due_for(&app, &app.engine, ticket).await, 1, "the day-ahead reminder, by e-mail only");
        assert_eq!(due_for(&app, &app.engine, ticket).await, 1, "once");
        postman.deliver_all_due(&app.engine).await.expect("deliver");
        assert!(body_of(&app, "reminder_24h", "email").await.contains("Thursday, November 26, 2026"));
        app.clock.set(at - Duration::hours(2));
        assert_eq!(due_for(&app, &app.engine, ticket).await, 3, "two hours ahead, by e-mail and text");
        postman.deliver_all_due(&app.engine).await.expect("deliver");
        app.clock.set(at - Duration::minutes(30));
        assert_eq!(due_for(&app, &app.engine, ticket).await, 3);
        assert_eq!(kinds(&mine(&app, ticket).await), vec![
            "booked/email/SENT", "booked/sms/SENT", "reminder_24h/email/SENT", "reminder_2h/email/SENT", "reminder_2h/sms/SENT",
        ]);
        assert!(body_of(&app, "reminder_2h", "sms").await.contains("today"));
    }
}

backend_tests! {
    async fn a_visit_booked_the_same_day_gets_no_day_ahead_reminder(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let at = starts(&app, 3, 12);
        app.clock.set(at - Duration::hours(20));
        let (ticket, _) = app.ticket("ACTIVATED").await;
        app.reserve_ok(ticket, app.slot(3, 12).await).await;
        assert_eq!(due_for(&app, &app.engine, ticket).await, 0);
        app.clock.set(at - Duration::hours(2));
        assert_eq!(due_for(&app, &app.engine, ticket).await, 2);
        let rows = kinds(&mine(&app, ticket).await);
        assert!(!rows.iter().any(|r| r.starts_with("reminder_24h")), "{rows:?}");
    }
}

backend_tests! {
    async fn a_reminder_written_before_a_cancellation_is_skipped_not_sent(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let manage = app.reserve_managed(ticket, app.slot(3, 12).await).await;
        let at = starts(&app, 3, 12);
        // Cancellable until an hour ahead here, so the visit can be cancelled after its reminder.
        let mut engine = app.engine.clone();
        engine.change_cutoff = Duration::hours(1);
        app.clock.set(at - Duration::hours(24));
        assert_eq!(due_for(&app, &engine, ticket).await, 1);
        // Cancelled before the worker got to the reminder.
        gatehouse::reservation::cancel(&engine, &code, Some(&manage)).await.expect("cancel");
        mailbox_postman().deliver_all_due(&engine).await.expect("deliver");
        let rows = kinds(&mine(&app, ticket).await);
        assert!(rows.contains(&"reminder_24h/email/SKIPPED".to_string()), "{rows:?}");
        app.clock.set(at - Duration::hours(2));
        assert_eq!(due_for(&app, &engine, ticket).await, 1, "no two-hour reminder for a cancelled visit");
    }
}

backend_tests! {
    async fn a_moved_visit_is_reminded_of_its_new_time_only(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let manage = app.reserve_managed(ticket, app.slot(3, 12).await).await;
        let (status, _) = app.change(code.as_str(), &manage, app.slot(5, 14).await).await;
        assert_eq!(status, 200);
        app.clock.set(starts(&app, 3, 12) - Duration::hours(2));
        assert_eq!(due_for(&app, &app.engine, ticket).await, 0, "nothing at the old time");
        app.clock.set(starts(&app, 5, 14) - Duration::hours(2));
        assert_eq!(due_for(&app, &app.engine, ticket).await, 2);
    }
}

/// `(kind, channel, recipient, status)` of ticket `ticket`'s messages, oldest first.
async fn mine(app: &TestApp, ticket: gatehouse::ids::TicketId) -> Vec<(String, String, String, String)> {
    gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as(
        "SELECT o.kind, o.channel, o.recipient, o.status FROM outbox o
         JOIN ticket_reservations r ON r.id = o.reservation_id WHERE r.ticket_id = $1 ORDER BY o.id")
        .bind(ticket).fetch_all(pool).await)
    .expect("outbox")
}
