//! The notification transports against real servers on loopback: SMTP against aiosmtpd
//! (`server/tests/support/smtp_sink.py`), SMS against an axum server that answers as Twilio does.
//! What each received is read back and checked; failures must come out temporary or permanent.
use gatehouse::notify::message::{Attachment, Email, Inline, SendError, Sms};
use server::notify::sms::{SmsApi, SmsSettings};
use server::notify::smtp::{Smtp, SmtpSettings, SmtpTls};
use std::time::Duration;

mod sms_api;
pub(crate) mod smtp_sink;

use sms_api::FakeTwilio;
use smtp_sink::SmtpSink;

const SUBJECT: &str = "Besuch am Dienstag – 5 € Café";
const CALENDAR: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:PUBLISH\r\nBEGIN:VEVENT\r\n\
                        UID:visit-42@museum.example\r\nSUMMARY:Besuch – Café am Dienstag\r\n\
                        DTSTART:20261208T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

pub(crate) fn smtp_to(port: u16) -> Smtp {
    Smtp::new(SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        login: None,
        from: "Museum <tickets@museum.example>".parse().expect("valid sender"),
        timeout: Duration::from_secs(5),
    })
    .expect("settings without TLS")
}

/// A real PNG (2×2 pixels) with zero bytes, CR and LF in it, as a QR code's would have.
fn png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 2, 2);
    encoder.set_color(png::ColorType::Grayscale);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(&[0x00, 0x0d, 0x0a, 0xff]).expect("png data");
    drop(writer);
    bytes
}

fn visit_email() -> Email {
    Email {
        message_id: "outbox-42.confirmation".into(),
        to: "ada@example.org".into(),
        subject: SUBJECT.into(),
        text: "Your visit on Tuesday, 8 December, 10:00.\nShow the QR code at the door.".into(),
        html: "<p>Your visit on Tuesday</p><img src=\"cid:ticket-qr\" alt=\"Your ticket's QR code\">".into(),
        inline: Some(Inline { content_id: "ticket-qr".into(), content_type: "image/png", bytes: png() }),
        attachment: Some(Attachment {
            filename: "visit.ics".into(),
            content_type: "text/calendar",
            bytes: CALENDAR.as_bytes().to_vec(),
        }),
    }
}

#[tokio::test]
async fn an_email_arrives_with_its_id_text_html_inline_picture_and_calendar_file() {
    let sink = SmtpSink::start(&[]).await;
    let email = visit_email();

    let delivered = smtp_to(sink.port).send(&email).await.expect("taken");

    let received = sink.received();
    assert_eq!(received.len(), 1);
    let message = mail_parser::MessageParser::default().parse(&received[0]).expect("a parsable message");
    assert!(delivered.provider_answer.starts_with("250 ") && delivered.provider_answer.contains("queued as 0001.eml"));
    assert_eq!(message.message_id(), Some("outbox-42.confirmation@museum.example"));
    assert_eq!(message.subject(), Some(SUBJECT));
    let from = message.from().and_then(|a| a.first()).expect("a sender");
    assert_eq!((from.name(), from.address()), (Some("Museum"), Some("tickets@museum.example")));
    assert_eq!(message.to().and_then(|a| a.first()).and_then(|a| a.address()), Some("ada@example.org"));
    // Mail has CRLF line ends whatever the template had.
    let text = message.body_text(0).map(|text| text.trim_end().replace("\r\n", "\n"));
    assert_eq!(text.as_deref(), Some(email.text.as_str()));
    assert!(message.body_html(0).is_some_and(|html| html.contains("src=\"cid:ticket-qr\"")));
}

#[tokio::test]
async fn the_picture_is_inline_by_its_content_id_and_the_calendar_file_is_attached() {
    use mail_parser::MimeHeaders;
    let sink = SmtpSink::start(&[]).await;

    smtp_to(sink.port).send(&visit_email()).await.expect("taken");

    let raw = &sink.received()[0];
    let message = mail_parser::MessageParser::default().parse(raw).expect("a parsable message");
    let root = message.content_type().expect("a content type");
    assert_eq!((root.ctype(), root.subtype()), ("multipart", Some("mixed")));
    let related = String::from_utf8_lossy(raw).to_ascii_lowercase().contains("content-type: multipart/related");
    assert!(related, "the HTML and its picture are not one multipart/related");
    let picture = message.attachments().find(|part| part.content_id() == Some("ticket-qr")).expect("inline picture");
    assert!(picture.content_disposition().is_some_and(|d| d.ctype() == "inline"));
    assert!(picture.is_content_type("image", "png"));
    assert_eq!(picture.contents(), png().as_slice());
    let calendar = message.attachments().find(|part| part.attachment_name() == Some("visit.ics")).expect("calendar");
    let kind = calendar.content_type().expect("calendar's type");
    assert_eq!((kind.ctype(), kind.subtype(), kind.attribute("method")), ("text", Some("calendar"), Some("PUBLISH")));
    assert!(calendar.content_disposition().is_some_and(|d| d.ctype() == "attachment"));
    assert_eq!(calendar.text_contents(), Some(CALENDAR));
}

#[tokio::test]
async fn a_451_answer_is_a_temporary_failure() {
    let sink = SmtpSink::start(&["--fail-first", "1"]).await;

    let answer = smtp_to(sink.port).send(&visit_email()).await;

    assert!(matches!(&answer, Err(SendError::Temporary(why)) if why.contains("451")), "{answer:?}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn the_message_a_451_turned_away_is_taken_on_the_next_try() {
    let sink = SmtpSink::start(&["--fail-first", "1"]).await;
    let smtp = smtp_to(sink.port);

    let first = smtp.send(&visit_email()).await;
    let second = smtp.send(&visit_email()).await;

    assert!(matches!(first, Err(SendError::Temporary(_))), "{first:?}");
    assert!(second.is_ok(), "{second:?}");
    assert_eq!(sink.received().len(), 1);
}

#[tokio::test]
async fn a_550_answer_is_a_permanent_failure() {
    let sink = SmtpSink::start(&["--reject-all"]).await;

    let answer = smtp_to(sink.port).send(&visit_email()).await;

    assert!(matches!(&answer, Err(SendError::Permanent(why)) if why.contains("550")), "{answer:?}");
}

#[tokio::test]
async fn no_smtp_server_listening_is_a_temporary_failure() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("its address").port()
    };

    let answer = smtp_to(port).send(&visit_email()).await;

    assert!(matches!(answer, Err(SendError::Temporary(_))), "{answer:?}");
}

#[tokio::test]
async fn an_address_that_is_not_one_is_a_permanent_failure_before_connecting() {
    let email = Email { to: "ada at example.org".into(), ..visit_email() };

    let answer = smtp_to(9).send(&email).await;

    assert!(matches!(&answer, Err(SendError::Permanent(why)) if why.contains("ada at example.org")), "{answer:?}");
}

fn sms_api(base: &str, timeout: Duration) -> SmsApi {
    SmsApi::new(SmsSettings {
        account: "AC0123456789abcdef".into(),
        token: "test-token".into(),
        from: "+15550001111".into(),
        api_url: base.into(),
        timeout,
    })
    .expect("valid settings")
}

fn reminder() -> Sms {
    Sms {
        idempotency_key: "outbox-77".into(),
        to: "+15552223333".into(),
        body: "Your visit: Tue 8 Dec 10:00, code ABCD-EFGH. Cafe & shop open.".into(),
    }
}

#[tokio::test]
async fn an_sms_is_posted_as_twilio_expects_and_its_sid_kept() {
    let twilio = FakeTwilio::answering(201, r#"{"sid": "SM42abc", "status": "queued"}"#).await;

    let delivered = sms_api(&twilio.base, Duration::from_secs(5)).send(&reminder()).await.expect("taken");

    assert_eq!(delivered.provider_answer, "SM42abc queued");
    let request = twilio.only_request();
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json")
    );
    assert_eq!(request.basic_auth(), Some(("AC0123456789abcdef".into(), "test-token".into())));
    assert_eq!(request.header("i-twilio-idempotency-token"), Some("outbox-77"));
    assert_eq!(request.header("idempotency-key"), Some("outbox-77"));
    assert_eq!(request.header("content-type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(request.form("To"), Some("+15552223333".into()));
    assert_eq!(request.form("From"), Some("+15550001111".into()));
    assert_eq!(request.form("Body"), Some(reminder().body));
}

#[tokio::test]
async fn a_400_from_twilio_is_permanent_and_says_twilios_code_and_message() {
    let refusal = r#"{"code": 21211, "message": "The 'To' number +15552223333 is not a valid phone number.",
                      "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"#;
    let twilio = FakeTwilio::answering(400, refusal).await;

    let answer = sms_api(&twilio.base, Duration::from_secs(5)).send(&reminder()).await;

    let Err(SendError::Permanent(why)) = answer else { panic!("not permanent: {answer:?}") };
    assert!(why.contains("21211") && why.contains("is not a valid phone number"), "{why}");
}

#[tokio::test]
async fn a_busy_or_failing_sms_api_is_a_temporary_failure() {
    for status in [429, 500, 503] {
        let twilio = FakeTwilio::answering(status, r#"{"code": 20429, "message": "Too Many Requests"}"#).await;

        let answer = sms_api(&twilio.base, Duration::from_secs(5)).send(&reminder()).await;

        assert!(matches!(&answer, Err(SendError::Temporary(why)) if why.contains(&status.to_string())), "{answer:?}");
    }
}

#[tokio::test]
async fn an_sms_api_slower_than_the_timeout_is_a_temporary_failure() {
    let twilio =
        FakeTwilio::answering_after(Duration::from_secs(3), 201, r#"{"sid": "SM1", "status": "queued"}"#).await;

    let answer = sms_api(&twilio.base, Duration::from_secs(1)).send(&reminder()).await;

    assert!(matches!(answer, Err(SendError::Temporary(_))), "{answer:?}");
}

#[tokio::test]
async fn no_sms_api_listening_is_a_temporary_failure() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("its address").port()
    };

    let answer = sms_api(&format!("http://127.0.0.1:{port}"), Duration::from_secs(5)).send(&reminder()).await;

    assert!(matches!(answer, Err(SendError::Temporary(_))), "{answer:?}");
}
