//! E-mail over SMTP (`GATEHOUSE_SMTP_*`): one connection per message, so a worker's retries
//! never meet a half-closed pooled connection. The message is `mixed[alternative[text,
//! related[html, picture]], calendar file]`, the layout mail clients show as one HTML body with
//! its picture in place and the visit as an attachment.
use crate::config::{var, whole_number, ConfigError};
use gatehouse::notify::message::{Delivered, Email, SendError};
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::response::Response;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::str::FromStr;
use std::time::Duration;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS, refused if the server does not offer it.
    StartTls,
    /// TLS from the first byte (SMTPS).
    Tls,
    /// No encryption: a relay on the same machine or a test server.
    None,
}

impl SmtpTls {
    fn default_port(self) -> u16 {
        match self {
            SmtpTls::StartTls => 587,
            SmtpTls::Tls => 465,
            SmtpTls::None => 25,
        }
    }
}

impl FromStr for SmtpTls {
    type Err = ();
    fn from_str(text: &str) -> Result<Self, ()> {
        match text.trim().to_ascii_lowercase().as_str() {
            "starttls" => Ok(SmtpTls::StartTls),
            "tls" => Ok(SmtpTls::Tls),
            "none" => Ok(SmtpTls::None),
            _ => Err(()),
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct SmtpLogin {
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for SmtpLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpLogin").field("user", &self.user).field("password", &"…").finish()
    }
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub login: Option<SmtpLogin>,
    /// `GATEHOUSE_MAIL_FROM`; its domain is also the right part of every `Message-ID`.
    pub from: Mailbox,
    /// For the whole exchange of one message, and for each step of it.
    pub timeout: Duration,
}

/// Cheap to clone: the settings are shared, each message opens its own connection.
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
    timeout: Duration,
}

/// Without the transport, whose own `Debug` would print the login.
impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("server", &self.server)
            .field("from", &self.from.to_string())
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Smtp {
    /// `None` when `GATEHOUSE_SMTP_HOST` is unset: e-mail then goes nowhere but the local mailbox.
    pub fn from_env() -> Result<Option<Smtp>, ConfigError> {
        let Some(host) = var("GATEHOUSE_SMTP_HOST") else { return Ok(None) };
        let tls = match var("GATEHOUSE_SMTP_TLS") {
            Some(text) => text.parse().map_err(|()| ConfigError {
                var: "GATEHOUSE_SMTP_TLS",
                problem: format!("'{text}' is none of 'starttls' (port 587), 'tls' (port 465) or 'none' (port 25)"),
            })?,
            None => SmtpTls::StartTls,
        };
        let login = match (var("GATEHOUSE_SMTP_USER"), var("GATEHOUSE_SMTP_PASSWORD")) {
            (Some(user), Some(password)) => Some(SmtpLogin { user, password }),
            (None, None) => None,
            (user, _) => {
                let (var, other) = match user {
                    Some(_) => ("GATEHOUSE_SMTP_PASSWORD", "GATEHOUSE_SMTP_USER"),
                    None => ("GATEHOUSE_SMTP_USER", "GATEHOUSE_SMTP_PASSWORD"),
                };
                return Err(ConfigError { var, problem: format!("must be set too when {other} is (both or neither)") });
            }
        };
        Smtp::new(SmtpSettings {
            port: whole_number("GATEHOUSE_SMTP_PORT", tls.default_port(), 1..=65535, "a TCP port")?,
            timeout: Duration::from_secs(whole_number("GATEHOUSE_SMTP_TIMEOUT_SECS", 30, 1..=600, "seconds")?),
            from: parse_from(var("GATEHOUSE_MAIL_FROM"))?,
            host: host.trim().to_string(),
            tls,
            login,
        })
        .map(Some)
    }

    pub fn new(settings: SmtpSettings) -> Result<Smtp, ConfigError> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .timeout(Some(settings.timeout));
        if settings.tls != SmtpTls::None {
            let parameters = TlsParameters::new(settings.host.clone()).map_err(|e| ConfigError {
                var: "GATEHOUSE_SMTP_HOST",
                problem: format!("cannot set up TLS for '{}': {e}", settings.host),
            })?;
            builder = builder.tls(match settings.tls {
                SmtpTls::Tls => Tls::Wrapper(parameters),
                _ => Tls::Required(parameters),
            });
        }
        if let Some(login) = settings.login {
            builder = builder.credentials(Credentials::new(login.user, login.password));
        }
        Ok(Smtp {
            transport: builder.build(),
            from: settings.from,
            server: format!("{}:{}", settings.host, settings.port),
            timeout: settings.timeout,
        })
    }

    pub async fn send(&self, email: &Email) -> Result<Delivered, SendError> {
        let message = self.message(email)?;
        match tokio::time::timeout(self.timeout, self.transport.send(message)).await {
            Ok(Ok(response)) => Ok(Delivered { provider_answer: answer(&response) }),
            Ok(Err(error)) => Err(classify(&error)),
            Err(_) => Err(SendError::Temporary(format!(
                "{} did not take the message within {} s",
                self.server,
                self.timeout.as_secs()
            ))),
        }
    }

    /// A message that cannot be built never will be: permanent.
    fn message(&self, email: &Email) -> Result<Message, SendError> {
        let bad = |what: String| SendError::Permanent(what);
        let to: Mailbox = email.to.parse().map_err(|e| bad(format!("'{}' is not an e-mail address: {e}", email.to)))?;
        if email.message_id.is_empty() || !email.message_id.chars().all(is_id_char) {
            return Err(bad(format!("'{}' cannot be the left part of a Message-ID", email.message_id)));
        }
        let html = SinglePart::html(email.html.clone());
        let alternative = MultiPart::alternative().singlepart(SinglePart::plain(email.text.clone()));
        let alternative = match &email.inline {
            Some(picture) => alternative.multipart(
                MultiPart::related().singlepart(html).singlepart(
                    Attachment::new_inline(picture.content_id.clone())
                        .body(picture.bytes.clone(), content_type(picture.content_type)?),
                ),
            ),
            None => alternative.singlepart(html),
        };
        let body = match &email.attachment {
            Some(file) => MultiPart::mixed().multipart(alternative).singlepart(
                Attachment::new(file.filename.clone()).body(file.bytes.clone(), content_type(file.content_type)?),
            ),
            None => alternative,
        };
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject.clone())
            .message_id(Some(format!("<{}@{}>", email.message_id, self.from.email.domain())))
            .multipart(body)
            .map_err(|e| bad(format!("cannot build the message: {e}")))
    }
}

fn parse_from(text: Option<String>) -> Result<Mailbox, ConfigError> {
    const VAR: &str = "GATEHOUSE_MAIL_FROM";
    let text = text.ok_or_else(|| ConfigError {
        var: VAR,
        problem: "must be set when GATEHOUSE_SMTP_HOST is, e.g. 'Museum <tickets@museum.example>'".into(),
    })?;
    text.trim().parse().map_err(|e| ConfigError {
        var: VAR,
        problem: format!("'{text}' is not a sender like 'Museum <tickets@museum.example>' ({e})"),
    })
}

/// Text parts without a charset are read as US-ASCII; a calendar file without a method is not
/// offered to be added to the calendar by some clients.
fn content_type(declared: &str) -> Result<ContentType, SendError> {
    let mut full = declared.to_string();
    if declared.starts_with("text/") && !declared.contains("charset=") {
        full.push_str("; charset=utf-8");
    }
    if declared.starts_with("text/calendar") && !declared.contains("method=") {
        full.push_str("; method=PUBLISH");
    }
    ContentType::parse(&full).map_err(|e| SendError::Permanent(format!("'{declared}' is not a content type: {e}")))
}

/// RFC 5322's dot-atom characters: what may stand left of the `@` in a `Message-ID`.
fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c)
}

/// The server's reply as it would appear in its log: `250 2.0.0 OK queued as 4F2A1`.
fn answer(response: &Response) -> String {
    let lines: Vec<&str> = response.message().collect();
    format!("{} {}", response.code(), lines.join(" "))
}

/// SMTP's own split (4xx try later, 5xx never), except that a refused login is this
/// installation's fault, not the message's: it is kept for when the password is fixed.
fn classify(error: &lettre::transport::smtp::Error) -> SendError {
    let refused_login = error.status().is_some_and(|code| [530, 534, 535, 538].contains(&u16::from(code)));
    if error.is_permanent() && !refused_login {
        SendError::Permanent(error.to_string())
    } else {
        SendError::Temporary(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tls_mode_sets_the_default_port() {
        let port = |text: &str| text.parse::<SmtpTls>().map(SmtpTls::default_port);
        assert_eq!((port("starttls"), port(" TLS "), port("none")), (Ok(587), Ok(465), Ok(25)));
        assert_eq!(port("ssl"), Err(()));
    }

    #[test]
    fn a_sender_without_an_address_is_explained() {
        let error = parse_from(Some("Museum tickets".into())).expect_err("no address");
        assert_eq!(error.var, "GATEHOUSE_MAIL_FROM");
        assert!(error.problem.contains("'Museum tickets'"), "{}", error.problem);
        assert!(parse_from(None).expect_err("required").problem.contains("must be set"));
        let from = parse_from(Some("Museum <tickets@museum.example>".into())).expect("valid sender");
        assert_eq!(from.email.domain(), "museum.example");
    }

    #[test]
    fn a_calendar_file_gets_its_method_and_charset() {
        let calendar = content_type("text/calendar").expect("valid");
        assert_eq!(calendar, ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH").expect("valid"));
        assert_eq!(content_type("image/png"), Ok(ContentType::parse("image/png").expect("valid")));
        assert!(matches!(content_type("not a type"), Err(SendError::Permanent(_))));
    }

    #[test]
    fn the_login_is_not_printed() {
        let login = SmtpLogin { user: "tickets".into(), password: "hunter2".into() };
        assert!(!format!("{login:?}").contains("hunter2"));
        let smtp = Smtp::new(SmtpSettings {
            host: "smtp.example.org".into(),
            port: 587,
            tls: SmtpTls::StartTls,
            login: Some(login),
            from: "tickets@museum.example".parse().expect("valid sender"),
            timeout: Duration::from_secs(30),
        })
        .expect("valid settings");
        assert!(!format!("{smtp:?}").contains("hunter2"), "{smtp:?}");
    }
}
