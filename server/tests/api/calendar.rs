//! The admin's calendar: slots made from rules (across both DST changes, twice without
//! duplicates), closed slots that keep their bookings, bulk edits that are all or nothing, and
//! an audit entry for each change.
use crate::support::{backend_tests, venue_day, Backend, TestApp};
use chrono::{NaiveDate, NaiveTime};
use gatehouse::audit::{self, Action, Entry, Filter};
use gatehouse::error::DomainError;
use gatehouse::ids::{SlotId, UserId};
use gatehouse::org::Venue;
use gatehouse::slots::bulk::{bulk_edit, BulkEdit, BulkInput};
use gatehouse::slots::closure::{close_slot, reopen_slot};
use gatehouse::slots::generate::{apply, preview};
use gatehouse::slots::rules::{RulesInput, SlotRules};
use gatehouse::slots::SlotStatus;

impl TestApp {
    async fn venue(&self) -> Venue {
        gatehouse::org::main_venue(&self.engine.db, self.orq().await).await.expect("query").expect("venue")
    }

    async fn admin(&self) -> UserId {
        gatehouse::staff::user_by_username(&self.engine.db, "admin").await.expect("query").expect("admin").id
    }

    async fn audit_of(&self, action: Action) -> Vec<Entry> {
        let filter = Filter { action: Some(action), ..Filter::default() };
        audit::list(&self.engine.db, self.orq().await, &filter).await.expect("audit")
    }

    /// `(start, starts_at, ends_at)` of the slots on `date`, times as `HH:MM`, instants in UTC.
    async fn slots_on(&self, date: NaiveDate) -> Vec<(String, String, String)> {
        let rows: Vec<(NaiveTime, chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>)> =
            gatehouse::on_pool!(&self.engine.db, pool => sqlx::query_as(
                "SELECT start_time, starts_at, ends_at FROM reservation_slots WHERE date = $1 ORDER BY start_time")
                .bind(date).fetch_all(pool).await)
            .expect("slots");
        rows.into_iter()
            .map(|(t, s, e)| {
                (t.format("%H:%M").to_string(), s.format("%H:%MZ").to_string(), e.format("%H:%MZ").to_string())
            })
            .collect()
    }

    async fn slot_state(&self, slot: SlotId) -> (i64, i64, String) {
        let capacity = self.scalar("SELECT total_capacity FROM reservation_slots WHERE id = $1", slot).await;
        let status = self.text("SELECT status FROM reservation_slots WHERE id = $1", slot).await;
        (capacity, self.booked(slot).await, status)
    }

    /// `count` bookings in the demo slot `days` ahead at `hour`.
    async fn booked_slot(&self, days: i64, hour: u32, count: usize) -> SlotId {
        let slot = self.slot(days, hour).await;
        for (ticket, _) in self.tickets("ACTIVATED", count).await {
            self.reserve_ok(ticket, slot).await;
        }
        slot
    }
}

fn rules(weekdays: &[&str], hours: (&str, &str), minutes: u32, from: &str, until: &str, closed: &str) -> SlotRules {
    SlotRules::parse(&RulesInput {
        weekdays: weekdays.iter().map(|d| d.to_string()).collect(),
        opens: hours.0.into(),
        closes: hours.1.into(),
        slot_minutes: minutes.to_string(),
        capacity: "40".into(),
        from: from.into(),
        until: until.into(),
        closed_dates: closed.into(),
    })
    .expect("valid rules")
}

fn date(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

fn rows(expected: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    expected.iter().map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())).collect()
}

fn bulk(from: NaiveDate, until: NaiveDate, capacity: &str, status: &str) -> BulkInput {
    BulkInput {
        from: from.to_string(),
        until: until.to_string(),
        capacity: capacity.into(),
        status: status.into(),
        ..BulkInput::default()
    }
}

backend_tests! {
    async fn rules_over_both_dst_changes_make_slots_at_the_right_instants_in_utc(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (orq, venue, admin) = (app.orq().await, app.venue().await, app.admin().await);
        let night = rules(&["Sun"], ("00:00", "04:00"), 60, "2026-03-08", "2026-11-01", "");

        let seen = preview(&app.engine.db, orq, &venue, &night).await.expect("preview");
        let spring = seen.days.iter().find(|d| d.date == date("2026-03-08")).expect("Mar 8 in the preview");
        assert_eq!(spring.not_on_the_clock, vec!["2:00 AM".to_string()]);
        assert_eq!(spring.new_slots(), 3);
        let applied = apply(&app.engine, orq, &venue, Some(admin), &night).await.expect("apply");
        assert_eq!(applied.created, seen.to_create);

        assert_eq!(
            app.slots_on(date("2026-03-08")).await,
            rows(&[("00:00", "05:00Z", "06:00Z"), ("01:00", "06:00Z", "07:00Z"), ("03:00", "07:00Z", "08:00Z")]),
        );
        assert_eq!(
            app.slots_on(date("2026-11-01")).await,
            rows(&[
                ("00:00", "04:00Z", "05:00Z"),
                ("01:00", "05:00Z", "07:00Z"),
                ("02:00", "07:00Z", "08:00Z"),
                ("03:00", "08:00Z", "09:00Z"),
            ]),
        );
    }
}

backend_tests! {
    async fn applying_the_same_rules_twice_creates_no_duplicates_and_leaves_existing_slots_alone(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (orq, venue, admin) = (app.orq().await, app.venue().await, app.admin().await);
        // Demo slots run to 90 days ahead: these rules overlap their last week and go on into March.
        let (from, until) = (venue_day(84), date("2027-03-14"));
        let weekends = rules(&["Sat", "Sun"], ("10:00", "18:00"), 120, &from.to_string(), &until.to_string(), "2027-03-06");
        let before = preview(&app.engine.db, orq, &venue, &weekends).await.expect("preview");
        assert!(before.existing > 0 && before.to_create > 0, "{before:?}");
        assert!(before.days.iter().all(|d| d.date != date("2027-03-06")), "a closed date has no slots");

        let first = apply(&app.engine, orq, &venue, Some(admin), &weekends).await.expect("apply");
        assert_eq!((first.created, first.skipped_existing), (before.to_create, before.existing));
        let second = apply(&app.engine, orq, &venue, Some(admin), &weekends).await.expect("apply again");
        assert_eq!((second.created, second.skipped_existing), (0, before.to_create + before.existing));
        let after = preview(&app.engine.db, orq, &venue, &weekends).await.expect("preview");
        assert_eq!((after.to_create, after.existing), (0, before.to_create + before.existing));

        assert!(app.slots_on(date("2027-03-06")).await.is_empty(), "closed date");
        assert_eq!(app.slots_on(date("2027-03-07")).await.len(), 4);
        // The demo's last day is a Saturday the rules cover: its slots keep their capacity.
        let demo_saturday = app.slot(89, 10).await;
        assert_eq!(app.slot_state(demo_saturday).await.0, 200, "an existing slot keeps its capacity");
        assert_eq!(before.existing, 4);
        let new_slot: (i64,) = gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as(
            "SELECT total_capacity FROM reservation_slots WHERE date = $1 AND start_time = $2")
            .bind(date("2027-03-07")).bind(NaiveTime::from_hms_opt(16, 0, 0)).fetch_one(pool).await)
        .expect("a new slot");
        assert_eq!(new_slot.0, 40);

        let entries = app.audit_of(Action::SlotsGenerated).await;
        assert_eq!(entries.len(), 2, "newest first");
        let first_entry = &entries[1];
        assert_eq!(first_entry.subject, "many");
        assert!(first_entry.summary.starts_with(&format!("{} slots created from {from} to {until}", first.created)), "{}", first_entry.summary);
        assert_eq!(first_entry.after.as_ref().and_then(|a| a["capacity"].as_i64()), Some(40));
        assert_eq!(first_entry.after.as_ref().map(|a| a["closed_dates"].clone()), Some(serde_json::json!(["2027-03-06"])));
        assert!(entries[0].summary.starts_with("0 slots created"), "{}", entries[0].summary);
    }
}

backend_tests! {
    async fn a_closed_slot_keeps_its_reservations_takes_no_new_ones_and_reopens(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (orq, admin) = (app.orq().await, app.admin().await);
        let slot = app.booked_slot(3, 12, 2).await;

        let closed = close_slot(&app.engine, orq, Some(admin), slot).await.expect("close");
        assert_eq!((closed.status, closed.booked_count), (SlotStatus::Closed, 2));
        let again = close_slot(&app.engine, orq, Some(admin), slot).await.expect_err("closed already");
        assert_eq!(again.code(), "SLOT_ALREADY_CLOSED");
        let live = app.scalar("SELECT COUNT(*) FROM ticket_reservations WHERE slot_id = $1 AND status = 'RESERVED'", slot).await;
        assert_eq!(live, 2, "reservations kept");
        let (ticket, _) = app.ticket("ACTIVATED").await;
        let (status, _) = app.reserve(ticket, slot).await;
        assert_ne!(status, 200, "a closed slot takes no booking");

        let reopened = reopen_slot(&app.engine, orq, Some(admin), slot).await.expect("reopen");
        assert_eq!((reopened.status, reopened.booked_count), (SlotStatus::Active, 2));
        app.reserve_ok(ticket, slot).await;
        let not_closed = reopen_slot(&app.engine, orq, Some(admin), slot).await.expect_err("open already");
        assert_eq!(not_closed.code(), "SLOT_NOT_CLOSED");

        let closing = app.audit_of(Action::SlotClosed).await;
        assert_eq!(closing.len(), 1);
        assert_eq!(closing[0].subject, format!("slot:{slot}"));
        assert!(closing[0].summary.ends_with("12:00 PM (2 reservations kept)"), "{}", closing[0].summary);
        assert_eq!(closing[0].before, Some(serde_json::json!({ "status": "ACTIVE" })));
        assert_eq!(closing[0].after, Some(serde_json::json!({ "status": "CLOSED", "booked_count": 2 })));
        let reopening = app.audit_of(Action::SlotReopened).await;
        assert_eq!(reopening.len(), 1);
        assert_eq!(reopening[0].after, Some(serde_json::json!({ "status": "ACTIVE", "booked_count": 2 })));
    }
}

backend_tests! {
    async fn a_slot_closed_when_full_reopens_full_and_a_capacity_edit_below_booked_names_the_number(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (orq, admin) = (app.orq().await, app.admin().await);
        let slot = app.booked_slot(2, 14, 3).await;
        gatehouse::slots::resize::set_capacity(&app.engine, orq, Some(admin), slot, 3).await.expect("resize");
        close_slot(&app.engine, orq, Some(admin), slot).await.expect("close");

        let refused = gatehouse::slots::resize::set_capacity(&app.engine, orq, Some(admin), slot, 2).await.expect_err("below");
        assert_eq!(refused.code(), "CAPACITY_BELOW_BOOKED");
        assert!(refused.to_string().starts_with("3 places are already booked"), "{refused}");
        assert_eq!(app.slot_state(slot).await, (3, 3, "CLOSED".to_string()));

        let reopened = reopen_slot(&app.engine, orq, Some(admin), slot).await.expect("reopen");
        assert_eq!(reopened.status, SlotStatus::Full);
    }
}

backend_tests! {
    async fn a_bulk_capacity_edit_below_what_one_slot_has_booked_changes_nothing_and_names_that_slot(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (orq, admin) = (app.orq().await, app.admin().await);
        // Far enough ahead that the demo booked nothing: 1 at 10:00 fits a capacity of 2, 3 at noon do not.
        let fits = app.booked_slot(30, 10, 1).await;
        let busy = app.booked_slot(30, 12, 3).await;
        let edit = BulkEdit::parse(&bulk(venue_day(29), venue_day(32), "2", "close")).expect("valid");

        let refused = bulk_edit(&app.engine, orq, Some(admin), edit).await.expect_err("below booked");
        assert_eq!(refused.code(), "CAPACITY_BELOW_BOOKED");
        let day = gatehouse::wording::short_date(venue_day(30));
        assert_eq!(refused.to_string(), format!("{day} 12:00 PM has 3 booked; capacity cannot go below that. Nothing was changed."));
        assert_eq!(app.slot_state(busy).await, (200, 3, "ACTIVE".to_string()));
        assert_eq!(app.slot_state(fits).await, (200, 1, "ACTIVE".to_string()), "nothing changed, not even what fit");
        assert_eq!(app.slot_state(app.slot(29, 10).await).await, (200, 0, "ACTIVE".to_string()));
        assert!(app.audit_of(Action::SlotsBulkEdited).await.is_empty());
    }
}

backend_tests! {
    async fn a_bulk_edit_changes_only_the_weekdays_and_times_chosen_in_one_audited_step(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (orq, admin) = (app.orq().await, app.admin().await);
        let (from, until) = (venue_day(1), venue_day(14));
        let saturday = (1..=7).find(|d| venue_day(*d).format("%a").to_string() == "Sat").expect("a Saturday");
        let input = BulkInput {
            weekdays: vec!["Sat".into()],
            starts_from: "12:00".into(),
            starts_until: "14:00".into(),
            ..bulk(from, until, "150", "close")
        };
        let edited = bulk_edit(&app.engine, orq, Some(admin), BulkEdit::parse(&input).expect("valid")).await.expect("edit");
        assert_eq!(edited, 4, "two Saturdays, 12:00 and 14:00");
        assert_eq!(app.slot_state(app.slot(saturday, 12).await).await, (150, 0, "CLOSED".to_string()));
        assert_eq!(app.slot_state(app.slot(saturday, 14).await).await, (150, 0, "CLOSED".to_string()));
        assert_eq!(app.slot_state(app.slot(saturday, 10).await).await, (200, 0, "ACTIVE".to_string()));
        assert_eq!(app.slot_state(app.slot(saturday + 1, 12).await).await, (200, 0, "ACTIVE".to_string()));

        let reopen = BulkEdit::parse(&bulk(from, until, "", "reopen")).expect("valid");
        assert_eq!(bulk_edit(&app.engine, orq, Some(admin), reopen).await.expect("reopen"), 56);
        assert_eq!(app.slot_state(app.slot(saturday, 12).await).await, (150, 0, "ACTIVE".to_string()));

        let entries = app.audit_of(Action::SlotsBulkEdited).await;
        assert_eq!(entries.len(), 2, "newest first");
        assert_eq!(
            entries[1].summary,
            format!("4 slots from {from} to {until} (Sat; starting 12:00 PM–2:00 PM): capacity 150, closed")
        );
        assert_eq!(entries[1].after, Some(serde_json::json!({ "total_capacity": 150, "status": "CLOSED" })));
        let before = entries[1].before.as_ref().expect("before")["slots"].as_array().expect("slots").clone();
        assert_eq!(before.len(), 4);
        assert_eq!(before[0][1], 200);
    }
}

backend_tests! {
    async fn the_admin_month_shows_closed_slots_that_the_portal_hides(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (orq, admin) = (app.orq().await, app.admin().await);
        let slot = app.booked_slot(3, 10, 2).await;
        close_slot(&app.engine, orq, Some(admin), slot).await.expect("close");
        let month = gatehouse::slots::Month::of(venue_day(3));

        let all = gatehouse::slots::overview::month_slots(&app.engine.db, orq, month).await.expect("month");
        let portal = gatehouse::slots::availability::month_availability(&app.engine.db, orq, month, app.engine.now())
            .await
            .expect("portal");
        assert_eq!(all.len(), portal.len() + 1);
        let days = gatehouse::slots::overview::admin_days(&all);
        let day = days.iter().find(|d| d.date == venue_day(3)).expect("the day");
        assert_eq!((day.slots, day.closed, day.booked_in_closed, day.capacity), (4, 1, 2, 600));
    }
}
