//! The outbox: written with the booking, change, cancellation or order; nothing for a refusal;
//! delivered once, by one worker, even across a crash.
use super::{body_of, mailbox_postman, outbox};
use crate::support::{backend_tests, qr_codes_in, Backend, TestApp};
use gatehouse::notify::kind::{Channel, Kind};
use gatehouse::notify::queue;
use gatehouse::notify::render::{render, Rendered};
use gatehouse::notify::templates::Templates;
use gatehouse::notify::values::Links;

backend_tests! {
    async fn a_booking_writes_its_confirmation_by_email_and_text_in_its_own_transaction(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, _) = app.ticket("ACTIVATED").await;
        app.reserve_ok(ticket, app.slot(3, 12).await).await;
        let rows = outbox(&app).await;
        assert_eq!(rows, vec![
            ("booked".into(), "email".into(), "john@example.com".into(), "PENDING".into()),
            ("booked".into(), "sms".into(), "+12025551234".into(), "PENDING".into()),
        ]);
    }
}

backend_tests! {
    async fn a_refused_booking_writes_no_message(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, _) = app.ticket("ACTIVATED").await;
        let full = app.slot(3, 12).await;
        app.set_capacity(full, 0).await;
        let (status, _) = app.reserve(ticket, full).await;
        assert_eq!(status, 409);
        let (reserved, _) = app.reserved(3, 14).await;
        let before = outbox(&app).await.len();
        let (status, _) = app.reserve(reserved, app.slot(4, 14).await).await;
        assert_eq!(status, 409, "already reserved");
        assert_eq!(outbox(&app).await.len(), before, "a refusal wrote nothing");
    }
}

backend_tests! {
    async fn the_mailbox_keeps_the_confirmation_with_the_date_in_words_and_the_management_link(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let manage = app.reserve_managed(ticket, app.slot(3, 12).await).await;
        let postman = mailbox_postman();
        assert_eq!(postman.deliver_all_due(&app.engine).await.expect("deliver"), 2);
        let rows = outbox(&app).await;
        assert!(rows.iter().all(|(.., status)| status == "SENT"), "{rows:?}");
        let text = body_of(&app, "booked", "email").await;
        assert!(text.contains("Thursday, November 26, 2026"), "{text}");
        assert!(text.contains("12:00–2:00 PM") || text.contains("12:00 PM–2:00 PM"), "{text}");
        assert!(text.contains(&format!("https://tickets.example/ticket?code={code}&manage={manage}")), "{text}");
        let sms = body_of(&app, "booked", "sms").await;
        // The management link alone is a hundred characters: two segments, not one.
        assert!(sms.chars().count() <= 306 && sms.contains(code.as_str()), "{sms}");
        assert_eq!(postman.deliver_all_due(&app.engine).await.expect("deliver"), 0, "each message once");
    }
}

backend_tests! {
    async fn the_confirmation_email_carries_the_signed_qr_code_and_the_calendar_file(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        app.reserve_ok(ticket, app.slot(3, 12).await).await;
        let claimed = queue::claim(&app.engine.db, "test", app.engine.now(), 10).await.expect("claim");
        let email = claimed.iter().find(|m| m.channel == Channel::Email).expect("an e-mail");
        let links = Links { base_url: "https://tickets.example".into() };
        let Rendered::Email(email) = render(&app.engine, &Templates::built_in(), &links, email).await.expect("render")
        else {
            panic!("an e-mail")
        };
        let qr = email.inline.expect("an inline QR code");
        let payload = qr_codes_in(&qr.bytes).pop().expect("a readable QR code");
        assert_eq!(payload, app.qr_text(&format!("/tickets/{code}/qr.png")).await, "the ticket's own signed code");
        assert!(email.html.contains(&format!("cid:{}", qr.content_id)));
        let ics = String::from_utf8(email.attachment.expect("a calendar file").bytes).expect("text");
        assert!(ics.contains("BEGIN:VEVENT") && ics.contains("DTSTART:20261126T170000Z"), "{ics}");
        assert_eq!(email.message_id, claimed.iter().find(|m| m.channel == Channel::Email).unwrap().message_key);
    }
}

backend_tests! {
    async fn a_move_and_a_cancellation_each_send_their_own_message(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let manage = app.reserve_managed(ticket, app.slot(3, 12).await).await;
        let (status, _) = app.change(code.as_str(), &manage, app.slot(4, 14).await).await;
        assert_eq!(status, 200);
        let (status, _) = app.cancel(code.as_str(), &manage).await;
        assert_eq!(status, 200);
        mailbox_postman().deliver_all_due(&app.engine).await.expect("deliver");
        let kinds: Vec<(String, String)> = outbox(&app).await.into_iter().map(|(k, c, ..)| (k, c)).collect();
        let expected: Vec<(String, String)> = [
            ("booked", "email"), ("booked", "sms"), ("moved", "email"), ("cancelled", "email"), ("cancelled", "sms"),
        ].iter().map(|(k, c)| (k.to_string(), c.to_string())).collect();
        assert_eq!(kinds, expected);
        let moved = body_of(&app, "moved", "email").await;
        assert!(moved.contains("Friday, November 27, 2026"), "the new date: {moved}");
        let cancelled = body_of(&app, "cancelled", "email").await;
        assert!(cancelled.contains(&format!("https://tickets.example/reserve?ticket={code}")), "{cancelled}");
    }
}

backend_tests! {
    async fn a_message_written_before_a_crash_is_sent_after_the_restart(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, _) = app.ticket("ACTIVATED").await;
        app.reserve_ok(ticket, app.slot(3, 12).await).await;
        // A worker claims both messages and stops before sending them (a crash).
        let crashed = queue::claim(&app.engine.db, "crashed", app.engine.now(), 10).await.expect("claim");
        assert_eq!(crashed.len(), 2);
        let restarted = mailbox_postman();
        assert_eq!(restarted.deliver_all_due(&app.engine).await.expect("deliver"), 0, "still claimed");
        app.clock.advance(queue::CLAIM + chrono::Duration::seconds(1));
        assert_eq!(restarted.deliver_all_due(&app.engine).await.expect("deliver"), 2, "the claim ran out");
        assert!(outbox(&app).await.iter().all(|(.., status)| status == "SENT"));
        // The crashed worker, back, cannot record over the delivery.
        let late = queue::Outcome::Failed { transport: "mailbox".into(), error: "late".into(), temporary: false };
        let outcomes: Vec<_> = crashed.into_iter().map(|m| (m, late.clone())).collect();
        queue::record(&app.engine.db, &outcomes, app.engine.now()).await.expect("record");
        assert!(outbox(&app).await.iter().all(|(.., status)| status == "SENT"));
    }
}

backend_tests! {
    async fn a_temporary_failure_is_retried_after_a_growing_wait_and_given_up_after_the_last_attempt(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, _) = app.ticket("ACTIVATED").await;
        app.reserve_ok(ticket, app.slot(3, 12).await).await;
        let mut waits = Vec::new();
        for attempt in 1..=queue::MAX_ATTEMPTS {
            let claimed = queue::claim(&app.engine.db, "w", app.engine.now(), 10).await.expect("claim");
            assert_eq!(claimed.len(), 2, "attempt {attempt} finds both messages due");
            assert!(claimed.iter().all(|m| m.attempts == attempt));
            let failed = queue::Outcome::Failed { transport: "smtp".into(), error: "451 try later".into(), temporary: true };
            let outcomes: Vec<_> = claimed.into_iter().map(|m| (m, failed.clone())).collect();
            queue::record(&app.engine.db, &outcomes, app.engine.now()).await.expect("record");
            let next = queue::backoff(attempt);
            waits.push(next.num_seconds());
            app.clock.advance(next - chrono::Duration::seconds(1));
            let early = queue::claim(&app.engine.db, "w", app.engine.now(), 10).await.expect("claim");
            assert!(early.is_empty(), "attempt {attempt}: nothing before its wait is over");
            app.clock.advance(chrono::Duration::seconds(1));
        }
        assert_eq!(waits[..3], [30, 60, 120]);
        let statuses: Vec<String> = outbox(&app).await.into_iter().map(|(.., s)| s).collect();
        assert_eq!(statuses, ["FAILED", "FAILED"], "given up after {} attempts", queue::MAX_ATTEMPTS);
        // An admin's retry makes it due again.
        let failed_id = app.scalar("SELECT MIN(id) FROM outbox WHERE status = 'FAILED' AND $1 = $1", 0).await;
        assert!(queue::retry(&app.engine, app.orq().await, None, failed_id).await.expect("retry"));
        assert!(!queue::retry(&app.engine, app.other_organization().await, None, failed_id + 1).await.expect("retry"), "not another organization's");
        assert_eq!(mailbox_postman().deliver_all_due(&app.engine).await.expect("deliver"), 1);
    }
}

backend_tests! {
    async fn two_workers_deliver_each_message_once(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        for hour in [10, 12, 14, 16] {
            for _ in 0..10 {
                let (ticket, _) = app.ticket("ACTIVATED").await;
                app.reserve_ok(ticket, app.slot(3, hour).await).await;
            }
        }
        let (a, b) = (mailbox_postman(), mailbox_postman());
        let (na, nb) = tokio::join!(a.deliver_all_due(&app.engine), b.deliver_all_due(&app.engine));
        assert_eq!(na.expect("a") + nb.expect("b"), 80, "every message claimed by one worker only");
        assert!(outbox(&app).await.iter().all(|(.., status)| status == "SENT"));
    }
}

backend_tests! {
    async fn a_pickup_order_sends_placed_ready_and_cancelled_messages(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let order = placed_order(&app, "ada@example.com").await;
        let orq = app.orq().await;
        gatehouse::shop::orders::set_status(&app.engine, orq, order, gatehouse::shop::status::OrderStatus::Ready)
            .await.expect("ready");
        mailbox_postman().deliver_all_due(&app.engine).await.expect("deliver");
        let kinds: Vec<(String, String)> = outbox(&app).await.into_iter().map(|(k, c, ..)| (k, c)).collect();
        let expected: Vec<(String, String)> = [("order_placed", "email"), ("order_ready", "email"), ("order_ready", "sms")]
            .iter().map(|(k, c)| (k.to_string(), c.to_string())).collect();
        assert_eq!(kinds, expected);
        let ready = body_of(&app, "order_ready", "email").await;
        assert!(ready.contains("is ready at"), "{ready}");
        let text = body_of(&app, "order_ready", "sms").await;
        assert!(text.contains("ready for pickup"), "{text}");
        assert!(Kind::OrderReady.texts());
    }
}

/// An order of the demo shop's first product for the first open window, with an e-mail address.
async fn placed_order(app: &TestApp, email: &str) -> gatehouse::ids::ShopOrderId {
    use crate::shop::fixture::{add, cart, form, phone};
    use gatehouse::ids::PickupWindowId;
    let orq = app.orq().await;
    let products =
        gatehouse::shop::catalogue::products(&app.engine.db, orq, None, app.engine.now()).await.expect("products");
    let (window,): (PickupWindowId,) = gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as(
        "SELECT id FROM shop_pickup_windows WHERE starts_at > $1 ORDER BY starts_at LIMIT 1")
        .bind(app.engine.now()).fetch_one(pool).await)
    .expect("a window");
    add(&app.engine, orq, &cart(1), products[0].id, 1).await.expect("hold");
    let mut form = form(&cart(1), window, phone(1), None);
    form.email = Some(gatehouse::contact::Email::parse(email).expect("e-mail"));
    gatehouse::shop::checkout::checkout(&app.engine, orq, form).await.expect("checkout").order_id
}

backend_tests! {
    async fn a_booking_whose_message_cannot_be_written_is_not_made(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        // The database refuses any message to this address: the booking's transaction must fail whole.
        match backend {
            Backend::Sqlite => gatehouse::on_pool!(&app.engine.db, pool => sqlx::query(
                "CREATE TRIGGER refuse_mail BEFORE INSERT ON outbox WHEN NEW.recipient = 'john@example.com'
                 BEGIN SELECT RAISE(ABORT, 'refused by the test'); END").execute(pool).await.map(|_| ())).expect("trigger"),
            Backend::Postgres => gatehouse::on_pool!(&app.engine.db, pool => async {
                sqlx::query("CREATE FUNCTION refuse_mail() RETURNS trigger AS $$ BEGIN
                               IF NEW.recipient = 'john@example.com' THEN RAISE EXCEPTION 'refused by the test'; END IF;
                               RETURN NEW; END $$ LANGUAGE plpgsql").execute(pool).await?;
                sqlx::query("CREATE TRIGGER refuse_mail BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse_mail()")
                    .execute(pool).await.map(|_| ())
            }.await).expect("trigger"),
        };
        let (ticket, _) = app.ticket("ACTIVATED").await;
        let slot = app.slot(3, 12).await;
        let booked = app.booked(slot).await;
        let (status, _) = app.reserve(ticket, slot).await;
        assert_eq!(status, 500);
        assert_eq!(app.status(ticket).await, "ACTIVATED", "no booking without its message");
        assert_eq!(app.booked(slot).await, booked, "the seat is not taken");
        assert!(outbox(&app).await.is_empty());
    }
}
