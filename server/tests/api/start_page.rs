//! The start page (issue 11 §3): when the venue is open, as its slots say; the next days as ways
//! into booking them; and the day chosen there kept through the ticket code and contact steps.
use crate::support::{backend_tests, venue_day, Backend, TestApp};
use chrono::NaiveTime;
use gatehouse::slots::availability::day_hours_between;
use gatehouse::slots::hours::DayHours;

impl TestApp {
    async fn close_slot(&self, hour: u32, days: i64) {
        let slot = self.slot(days, hour).await;
        gatehouse::on_pool!(&self.engine.db, pool => sqlx::query(
            "UPDATE reservation_slots SET status = 'CLOSED' WHERE id = $1").bind(slot).execute(pool).await.map(|_| ()))
        .expect("close slot");
    }

    async fn close_day(&self, days: i64) {
        for hour in [10, 12, 14, 16] {
            self.close_slot(hour, days).await;
        }
    }

    /// Posts the contact form as a browser without JavaScript does, and answers where the
    /// answer sends it.
    async fn save_contact_from_a_form(&self, code: &str, date: &str) -> String {
        let res = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
            .post(format!("{}/sfn/save_contact", self.base))
            .header("accept", "text/html")
            .form(&[
                ("ticket", code),
                ("email", "ada@example.com"),
                ("phone", "+1 202 555 0143"),
                ("country", "US"),
                ("date", date),
            ])
            .send()
            .await
            .expect("request");
        assert!(res.status().is_redirection(), "{}", res.status());
        res.headers()["location"].to_str().expect("ascii").to_string()
    }
}

fn hours(days: i64, opens: u32, closes: u32) -> DayHours {
    let time = |h| NaiveTime::from_hms_opt(h, 0, 0).expect("time");
    DayHours { date: venue_day(days), opens: time(opens), closes: time(closes) }
}

backend_tests! {
    async fn a_days_hours_run_from_its_first_open_slot_to_its_last_and_a_closed_day_has_none(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        app.close_day(3).await;
        app.close_slot(16, 4).await;
        app.close_slot(10, 5).await;

        let days = day_hours_between(&app.engine.db, app.orq().await, venue_day(2), venue_day(7)).await.expect("query");

        assert_eq!(days, vec![hours(2, 10, 18), hours(4, 10, 16), hours(5, 12, 18), hours(6, 10, 18)]);
    }
}

backend_tests! {
    async fn the_start_page_says_the_days_and_hours_the_venue_is_open(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let page = app.page("/").await;
        assert!(page.contains("Open every day, 10:00 AM–6:00 PM (New York time)"), "{page}");
    }
}

backend_tests! {
    async fn a_weekday_closed_in_each_coming_week_is_left_out_of_the_opening_days(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        // Today, 23 November 2026, is a Monday.
        for monday in [0, 7, 14, 21] {
            app.close_day(monday).await;
        }
        let page = app.page("/").await;
        assert!(page.contains("Open Tuesday–Sunday, 10:00 AM–6:00 PM (New York time)"), "{page}");
    }
}

backend_tests! {
    async fn without_slots_the_start_page_says_no_opening_hours(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        gatehouse::on_pool!(&app.engine.db, pool => sqlx::query(
            "UPDATE reservation_slots SET status = 'CLOSED'").execute(pool).await.map(|_| ()))
        .expect("close every slot");
        let page = app.page("/").await;
        assert!(page.contains("Harbor Museum of Light") && !page.contains("Open "), "{page}");
    }
}

backend_tests! {
    async fn each_next_day_with_places_links_into_booking_it_and_a_day_without_says_so(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        for hour in [10, 12, 14, 16] {
            app.set_capacity(app.slot(3, hour).await, 0).await;
        }
        let page = app.page("/").await;
        assert!(page.contains(&format!(r#"href="/reserve?date={}""#, venue_day(1))), "{page}");
        assert!(!page.contains(&format!(r#"href="/reserve?date={}""#, venue_day(3))), "{page}");
        assert!(page.contains("No places left"), "{page}");
    }
}

#[tokio::test]
async fn the_ticket_code_step_names_the_day_chosen_and_carries_it_on() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let page = app.page("/reserve?date=2026-11-26").await;
    assert!(page.contains("You chose <strong>Thursday, November 26</strong>"), "{page}");
    assert!(page.contains(r#"name="date" value="2026-11-26""#), "{page}");
}

#[tokio::test]
async fn the_ticket_code_step_ignores_a_malformed_day() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let page = app.page("/reserve?date=2026-13-26").await;
    assert!(!page.contains("You chose") && !page.contains(r#"name="date""#), "{page}");
}

backend_tests! {
    async fn after_the_contact_details_the_calendar_opens_on_the_chosen_day_with_its_times(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, code) = app.ticket("ACTIVATED").await;
        let chosen = venue_day(3);

        let to = app.save_contact_from_a_form(code.as_str(), &chosen.to_string()).await;

        assert_eq!(to, format!("/reserve?ticket={code}&date={chosen}"));
        let page = app.page(&to).await;
        assert!(page.contains(r#"<h2 id="slots-title" tabindex="-1">Thursday, November 26</h2>"#), "{page}");
        assert_eq!(page.matches(r#"<li class="slot">"#).count(), 4, "{page}");
    }
}

backend_tests! {
    async fn after_the_contact_details_a_malformed_day_is_dropped(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, code) = app.ticket("ACTIVATED").await;
        assert_eq!(app.save_contact_from_a_form(code.as_str(), "26/11/2026").await, format!("/reserve?ticket={code}"));
    }
}
