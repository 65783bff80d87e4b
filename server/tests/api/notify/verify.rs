//! Contact verification, where an organization turns it on: the contact step sends a code, the
//! booking is refused until the address is confirmed (through the pages and the REST API alike),
//! and a code lasts five minutes and three attempts.
use crate::support::{backend_tests, code_of, Backend, TestApp};
use chrono::Duration;
use gatehouse::contact::Email;
use gatehouse::reservation::verify::{self, VerifyError};

/// Posts a portal form as a browser without JavaScript does; where the answer sends it.
async fn post_form(app: &TestApp, function: &str, form: &[(&str, &str)]) -> String {
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{}/sfn/{function}", app.base))
        .header("accept", "text/html")
        .form(form)
        .send()
        .await
        .expect("request");
    assert!(res.status().is_redirection(), "{function}: {}", res.status());
    res.headers()["location"].to_str().expect("ascii").to_string()
}

/// The newest code sent, as the local mailbox keeps it.
async fn newest_code(app: &TestApp) -> String {
    let (secret,): (Option<String>,) = gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as(
        "SELECT secret FROM outbox WHERE kind = 'verification_code' ORDER BY id DESC LIMIT 1")
        .fetch_one(pool).await)
    .expect("a code was sent");
    secret.expect("the code")
}

async fn turn_on(app: &TestApp) {
    verify::set_required(&app.engine, app.orq().await, None, true).await.expect("on");
}

backend_tests! {
    async fn with_verification_on_the_contact_step_sends_a_code_and_booking_waits_for_it(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        turn_on(&app).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let form = [("ticket", code.as_str()), ("email", "john@example.com"), ("phone", "+1 202 555 1234"), ("country", "US")];
        let to = post_form(&app, "save_contact", &form).await;
        assert_eq!(to, format!("/reserve?ticket={code}"));
        let page = app.page(&to).await;
        assert!(page.contains("Confirm your e-mail address") && page.contains("john@example.com"), "the code step");
        let sent = newest_code(&app).await;
        assert_eq!(sent.len(), 6);
        crate::notify::mailbox_postman().deliver_all_due(&app.engine).await.expect("deliver");
        let mail = crate::notify::body_of(&app, "verification_code", "email").await;
        assert!(mail.contains(&format!("Your code to confirm this e-mail address: {sent}")), "{mail}");
        let text = crate::notify::body_of(&app, "verification_code", "sms").await;
        assert!(text.contains(&sent), "the same code by text to the phone: {text}");
        let to = app.text("SELECT recipient FROM outbox WHERE kind = 'verification_code' AND channel = 'sms' AND $1 = $1", 0).await;
        assert_eq!(to, "+12025551234");
        let stored = app.text("SELECT code_hash FROM contact_verifications WHERE id = $1", 1).await;
        assert!(!stored.contains(&sent), "only a digest is kept");
        // The REST API cannot book around it.
        let (status, body) = app.reserve(ticket, app.slot(3, 12).await).await;
        assert_eq!((status, code_of(&body)), (403, "CONTACT_NOT_VERIFIED"), "{body}");
        let wrong = if sent == "000000" { "111111" } else { "000000" };
        let to = post_form(&app, "confirm_contact", &[("ticket", code.as_str()), ("code", wrong)]).await;
        assert_eq!(to, format!("/reserve?ticket={code}&refused=VERIFICATION_CODE_WRONG"));
        assert!(app.page(&to).await.contains("That code is not right."));
        let spaced = format!("{} {}", &sent[..3], &sent[3..]);
        let to = post_form(&app, "confirm_contact", &[("ticket", code.as_str()), ("code", &spaced)]).await;
        assert_eq!(to, format!("/reserve?ticket={code}"));
        assert!(!app.page(&to).await.contains("Confirm your e-mail address"), "on to the calendar");
        app.reserve_ok(ticket, app.slot(3, 12).await).await;
    }
}

backend_tests! {
    async fn a_code_takes_three_attempts_and_lasts_five_minutes(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        turn_on(&app).await;
        let (_, code) = app.ticket("ACTIVATED").await;
        let email = Email::parse("john@example.com").expect("e-mail");
        assert!(matches!(verify::check_code(&app.engine, &code, &email, "123456").await, Err(VerifyError::NoCode)));
        verify::send_code(&app.engine, &code, &email).await.expect("sent");
        let right = newest_code(&app).await;
        let wrong = if right == "000000" { "111111" } else { "000000" };
        assert!(matches!(verify::check_code(&app.engine, &code, &email, "12345").await, Err(VerifyError::Malformed)));
        assert!(matches!(verify::check_code(&app.engine, &code, &email, wrong).await, Err(VerifyError::WrongCode { left: 2 })));
        assert!(matches!(verify::check_code(&app.engine, &code, &email, wrong).await, Err(VerifyError::WrongCode { left: 1 })));
        assert!(matches!(verify::check_code(&app.engine, &code, &email, wrong).await, Err(VerifyError::TooManyAttempts)));
        assert!(matches!(verify::check_code(&app.engine, &code, &email, &right).await, Err(VerifyError::TooManyAttempts)),
            "the right code after three wrong ones is refused too");
        verify::send_code(&app.engine, &code, &email).await.expect("a new code");
        let fresh = newest_code(&app).await;
        app.clock.advance(verify::CODE_LIFETIME + Duration::seconds(1));
        assert!(matches!(verify::check_code(&app.engine, &code, &email, &fresh).await, Err(VerifyError::Expired)));
        verify::send_code(&app.engine, &code, &email).await.expect("another");
        let last = newest_code(&app).await;
        verify::check_code(&app.engine, &code, &email, &last).await.expect("confirmed");
        let other = Email::parse("eve@example.com").expect("e-mail");
        assert!(!verify::is_confirmed(&app.engine.db, &code, &other, app.engine.now()).await.expect("check"),
            "confirming one address confirms no other");
    }
}

backend_tests! {
    async fn a_ticket_may_ask_for_five_codes_an_hour(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        turn_on(&app).await;
        let (_, code) = app.ticket("ACTIVATED").await;
        let email = Email::parse("john@example.com").expect("e-mail");
        let form = [("ticket", code.as_str()), ("email", "john@example.com"), ("phone", "+1 202 555 1234"), ("country", "US")];
        post_form(&app, "save_contact", &form).await;
        for _ in 1..verify::CODES_PER_HOUR {
            verify::send_code(&app.engine, &code, &email).await.expect("sent");
        }
        assert!(matches!(verify::send_code(&app.engine, &code, &email).await, Err(VerifyError::TooManyCodes)));
        let to = post_form(&app, "resend_contact_code", &[("ticket", code.as_str())]).await;
        assert!(to.ends_with("&refused=VERIFICATION_RATE_LIMITED"), "{to}");
        app.clock.advance(Duration::hours(1) + Duration::seconds(1));
        verify::send_code(&app.engine, &code, &email).await.expect("an hour later");
    }
}
