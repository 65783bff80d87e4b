//! The outbox delivered over real SMTP (aiosmtpd on loopback): the booking's e-mail as received,
//! its QR code the ticket's signed payload; a server that refuses three times then takes it gets
//! it once; two workers on one database send each message once.
use crate::notify_transports::smtp_sink::SmtpSink;
use crate::notify_transports::smtp_to;
use crate::support::{backend_tests, qr_codes_in, Backend, TestApp};
use gatehouse::notify::queue;
use gatehouse::notify::templates::Templates;
use gatehouse::notify::values::Links;
use mail_parser::MimeHeaders;
use server::notify::{Postman, Route};

fn smtp_postman(port: u16) -> Postman {
    Postman::new(
        Templates::built_in(),
        Links { base_url: "https://tickets.example".into() },
        Route::Smtp(smtp_to(port)),
        Route::Mailbox,
    )
}

fn message_id(raw: &[u8]) -> String {
    let message = mail_parser::MessageParser::default().parse(raw).expect("a parsable message");
    message.message_id().expect("a Message-ID").to_string()
}

backend_tests! {
    async fn the_booking_email_arrives_with_the_signed_qr_code_and_the_visit(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let sink = SmtpSink::start(&[]).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let manage = app.reserve_managed(ticket, app.slot(3, 12).await).await;
        smtp_postman(sink.port).deliver_all_due(&app.engine).await.expect("deliver");
        let received = sink.received();
        assert_eq!(received.len(), 1, "the e-mail by SMTP; the text went to the mailbox");
        let message = mail_parser::MessageParser::default().parse(&received[0]).expect("a parsable message");
        assert!(message.subject().unwrap_or_default().contains("Thursday, November 26, 2026"));
        let text = message.body_text(0).expect("a text part");
        assert!(text.contains(&format!("manage={manage}")), "{text}");
        let picture = message.attachments().find(|p| p.is_content_type("image", "png")).expect("the QR code");
        assert_eq!(qr_codes_in(picture.contents()), vec![app.qr_text(&format!("/tickets/{code}/qr.png")).await]);
        let calendar = message.attachments().find(|p| p.attachment_name() == Some("visit.ics")).expect("the visit");
        let ics = String::from_utf8_lossy(calendar.contents()).to_string();
        assert!(ics.contains("DTSTART:20261126T170000Z") && ics.contains(code.as_str()), "{ics}");
        // Once a real server took it, the outbox no longer keeps the management token.
        let kept = app.text("SELECT body_text FROM outbox WHERE channel = 'email' AND id = $1", 1).await;
        assert!(!kept.contains(&manage) && kept.contains("(sent, not kept)"), "{kept}");
        let secret: (Option<String>,) = gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as(
            "SELECT secret FROM outbox WHERE channel = 'email'").fetch_one(pool).await).expect("row");
        assert_eq!(secret.0, None);
    }
}

backend_tests! {
    async fn a_server_that_refuses_three_times_then_takes_it_gets_the_message_once(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let sink = SmtpSink::start(&["--fail-first", "3"]).await;
        let (ticket, _) = app.ticket("ACTIVATED").await;
        app.reserve_ok(ticket, app.slot(3, 12).await).await;
        let postman = smtp_postman(sink.port);
        for attempt in 1..=4 {
            postman.deliver_all_due(&app.engine).await.expect("deliver");
            let status = app.text("SELECT status FROM outbox WHERE channel = 'email' AND id = $1", 1).await;
            assert_eq!(status, if attempt < 4 { "PENDING" } else { "SENT" }, "after attempt {attempt}");
            app.clock.advance(queue::backoff(attempt));
        }
        postman.deliver_all_due(&app.engine).await.expect("deliver");
        let received = sink.received();
        assert_eq!(received.len(), 1, "exactly one delivery");
        let key = app.text("SELECT message_key FROM outbox WHERE channel = 'email' AND id = $1", 1).await;
        assert_eq!(message_id(&received[0]), format!("{key}@museum.example"));
        assert_eq!(app.scalar("SELECT attempts FROM outbox WHERE channel = 'email' AND id = $1", 1).await, 4);
    }
}

backend_tests! {
    async fn two_workers_on_one_database_send_each_message_once(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let sink = SmtpSink::start(&[]).await;
        for hour in [10, 12, 14, 16] {
            for _ in 0..5 {
                let (ticket, _) = app.ticket("ACTIVATED").await;
                app.reserve_ok(ticket, app.slot(3, hour).await).await;
            }
        }
        let (a, b) = (smtp_postman(sink.port), smtp_postman(sink.port));
        let (na, nb) = tokio::join!(a.deliver_all_due(&app.engine), b.deliver_all_due(&app.engine));
        assert_eq!(na.expect("a") + nb.expect("b"), 40, "20 e-mails and 20 texts, each claimed once");
        let mut ids: Vec<String> = sink.received().iter().map(|raw| message_id(raw)).collect();
        assert_eq!(ids.len(), 20);
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 20, "no message twice");
    }
}
