//! What visitors and admins see of the messages: the ticket page says where the confirmation
//! went and e-mails a new management link on request; the dashboard lists every message and
//! tries a failed one again.
use super::{body_of, mailbox_postman, outbox};
use crate::staff::{csrf_of, Staff};
use crate::support::{backend_tests, Backend, TestApp};
use gatehouse::notify::queue;
use reqwest::header::ACCEPT;

async fn ask_for_link(app: &TestApp, code: &str) -> u16 {
    let res = app
        .http
        .post(format!("{}/sfn/send_manage_link", app.base))
        .header(ACCEPT, "application/json")
        .header("referer", format!("{}/ticket?code={code}", app.base))
        .form(&[("ticket", code)])
        .send()
        .await
        .expect("request");
    res.status().as_u16()
}

/// The secret of the newest management-link message: the new token.
async fn newest_link_token(app: &TestApp) -> Option<String> {
    let row: Option<(Option<String>,)> = gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as(
        "SELECT secret FROM outbox WHERE kind = 'manage_link' ORDER BY id DESC LIMIT 1")
        .fetch_optional(pool).await)
    .expect("outbox");
    row.and_then(|(s,)| s)
}

backend_tests! {
    async fn a_new_management_link_goes_to_the_booking_address_and_the_old_one_stops_working(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let old = app.reserve_managed(ticket, app.slot(3, 12).await).await;
        assert_eq!(ask_for_link(&app, code.as_str()).await, 200);
        let rows = outbox(&app).await;
        assert_eq!(rows.last().map(|(k, c, to, _)| (k.as_str(), c.as_str(), to.as_str())),
                   Some(("manage_link", "email", "john@example.com")));
        let new = newest_link_token(&app).await.expect("the new token");
        assert_ne!(new, old);
        assert!(gatehouse::reservation::may_manage(&app.engine.db, ticket, &new).await.expect("check"));
        assert!(!gatehouse::reservation::may_manage(&app.engine.db, ticket, &old).await.expect("check"));
        mailbox_postman().deliver_all_due(&app.engine).await.expect("deliver");
        let text = body_of(&app, "manage_link", "email").await;
        assert!(text.contains(&format!("manage={new}")), "{text}");
    }
}

backend_tests! {
    async fn asking_for_a_link_tells_nothing_about_the_code_and_is_limited_per_visit(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let (unbooked, unbooked_code) = app.ticket("ACTIVATED").await;
        let _ = unbooked;
        app.reserve_managed(ticket, app.slot(3, 12).await).await;
        let before = outbox(&app).await.len();
        assert_eq!(ask_for_link(&app, unbooked_code.as_str()).await, 200, "same answer without a booking");
        assert_eq!(ask_for_link(&app, code.as_str()).await, 200);
        assert_eq!(outbox(&app).await.len(), before + 1, "only the booked ticket's link was written");
        assert_eq!(ask_for_link(&app, "TKT-2026-AAAAAA").await, 400, "a malformed code is refused as such");
        for _ in 0..5 {
            ask_for_link(&app, code.as_str()).await;
        }
        let links = |rows: &Vec<(String, String, String, String)>| rows.iter().filter(|(k, ..)| k == "manage_link").count();
        assert_eq!(links(&outbox(&app).await), gatehouse::reservation::link::LINKS_PER_VISIT as usize);
        app.clock.advance(gatehouse::reservation::link::WITHIN + chrono::Duration::minutes(1));
        ask_for_link(&app, code.as_str()).await;
        assert_eq!(links(&outbox(&app).await), gatehouse::reservation::link::LINKS_PER_VISIT as usize + 1);
    }
}

backend_tests! {
    async fn the_ticket_page_says_plainly_that_the_confirmation_was_kept_not_sent(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let manage = app.reserve_managed(ticket, app.slot(3, 12).await).await;
        let page = app.page(&format!("/ticket?code={code}&manage={manage}&booked=1")).await;
        assert!(page.contains("not set up to send e-mail, so no confirmation went to john@example.com"), "{page}");
        let without = app.page(&format!("/ticket?code={code}")).await;
        assert!(!without.contains("john@example.com"), "the address only for the link's holder");
        assert!(without.contains("E-mail me the management link"));
    }
}

backend_tests! {
    async fn the_dashboard_lists_the_messages_and_tries_a_failed_one_again(backend: Backend) {
        let staff = Staff::on(TestApp::spawn(backend).await, None).await;
        let app = &staff.app;
        let (ticket, _) = app.ticket("ACTIVATED").await;
        app.reserve_ok(ticket, app.slot(3, 12).await).await;
        mailbox_postman().deliver_all_due(&app.engine).await.expect("deliver");
        // The text message fails for good.
        let claimed = {
            let (ticket, _) = app.ticket("ACTIVATED").await;
            app.reserve_ok(ticket, app.slot(3, 14).await).await;
            queue::claim(&app.engine.db, "w", app.engine.now(), 10).await.expect("claim")
        };
        let failed = queue::Outcome::Failed { transport: "sms".into(), error: "21211 invalid 'To' number".into(), temporary: false };
        queue::record(&app.engine.db, &claimed.into_iter().map(|m| (m, failed.clone())).collect::<Vec<_>>(), app.engine.now())
            .await.expect("record");
        let cookie = staff.signed_in_admin().await;
        let page = staff.get("/admin/messages", &cookie).await.text().await.expect("body");
        assert!(page.contains("kept here, in the local mailbox"), "says where messages go");
        assert!(page.contains("Booking confirmation") && page.contains("john@example.com"));
        assert!(page.contains("21211 invalid"), "the provider's answer");
        assert!(page.contains("Failed (2)") && page.contains("Sent (2)"), "{page}");
        let id = app.scalar("SELECT MIN(id) FROM outbox WHERE status = 'FAILED' AND $1 = $1", 0).await;
        let opened = staff.get(&format!("/admin/messages?open={}", id - 2), &cookie).await.text().await.expect("body");
        assert!(opened.contains("Your visit is booked."), "the message as kept");
        let csrf = csrf_of(&page);
        let (status, _) = staff.server_fn(Some(&cookie), "admin_retry_message", &[("csrf", &csrf), ("id", &id.to_string())]).await;
        assert_eq!(status, 200);
        let (status, body) = staff.server_fn(Some(&cookie), "admin_retry_message", &[("csrf", &csrf), ("id", &id.to_string())]).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("MESSAGE_NOT_FAILED")), "{body}");
        let (status, _) = staff.server_fn(Some(&cookie), "admin_retry_message", &[("csrf", "forged"), ("id", &(id + 1).to_string())]).await;
        assert_eq!(status, 403);
        let log = staff.get("/admin/audit", &cookie).await.text().await.expect("body");
        assert!(log.contains("Failed message tried again") && log.contains("Booking confirmation to"),
            "the retry is in the audit log");
        let operator = staff.signed_in_operator().await;
        let res = staff.get("/admin/messages", &operator).await.text().await.expect("body");
        assert!(!res.contains("john@example.com"), "not for operators");
    }
}
