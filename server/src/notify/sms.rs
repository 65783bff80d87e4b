//! Text messages through a Twilio-compatible REST API (`GATEHOUSE_SMS_*`). Every retry of one
//! outbox row carries the same idempotency key, so a request whose answer was lost is not sent
//! twice.
use crate::config::{var, whole_number, ConfigError};
use gatehouse::notify::message::{Delivered, SendError, Sms};
use reqwest::StatusCode;
use serde::Deserialize;
use std::time::Duration;

#[derive(Clone, PartialEq)]
pub struct SmsSettings {
    /// The account SID: the path's account and the basic-auth user.
    pub account: String,
    pub token: String,
    /// An E.164 number or an alphanumeric sender ID.
    pub from: String,
    /// Without a trailing slash, e.g. `https://api.twilio.com`.
    pub api_url: String,
    pub timeout: Duration,
}

impl std::fmt::Debug for SmsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsSettings")
            .field("account", &self.account)
            .field("token", &"…")
            .field("from", &self.from)
            .field("api_url", &self.api_url)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Cheap to clone: the HTTP client's connection pool is shared.
#[derive(Clone)]
pub struct SmsApi {
    http: reqwest::Client,
    messages_url: String,
    account: String,
    token: String,
    from: String,
}

impl std::fmt::Debug for SmsApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsApi").field("messages_url", &self.messages_url).field("from", &self.from).finish()
    }
}

/// Twilio's answer to a message it took.
#[derive(Deserialize)]
struct Accepted {
    sid: String,
    status: String,
}

/// Twilio's answer to a request it refused.
#[derive(Deserialize)]
struct Refused {
    code: Option<u32>,
    message: Option<String>,
}

impl SmsApi {
    /// `None` when `GATEHOUSE_SMS_ACCOUNT` is unset and nothing else of SMS is.
    pub fn from_env() -> Result<Option<SmsApi>, ConfigError> {
        let (token, from) = (var("GATEHOUSE_SMS_TOKEN"), var("GATEHOUSE_SMS_FROM"));
        let Some(account) = var("GATEHOUSE_SMS_ACCOUNT") else {
            if token.is_some() || from.is_some() {
                return Err(ConfigError {
                    var: "GATEHOUSE_SMS_ACCOUNT",
                    problem: "must be set when GATEHOUSE_SMS_TOKEN or GATEHOUSE_SMS_FROM is".into(),
                });
            }
            return Ok(None);
        };
        let required = |var, value: Option<String>| {
            value.ok_or(ConfigError { var, problem: "must be set when GATEHOUSE_SMS_ACCOUNT is".into() })
        };
        SmsApi::new(SmsSettings {
            token: required("GATEHOUSE_SMS_TOKEN", token)?,
            from: sender(required("GATEHOUSE_SMS_FROM", from)?)?,
            api_url: api_url(var("GATEHOUSE_SMS_API_URL"))?,
            timeout: Duration::from_secs(whole_number("GATEHOUSE_SMS_TIMEOUT_SECS", 10, 1..=300, "seconds")?),
            account: account.trim().to_string(),
        })
        .map(Some)
    }

    pub fn new(settings: SmsSettings) -> Result<SmsApi, ConfigError> {
        if settings.account.is_empty() || !settings.account.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(ConfigError {
                var: "GATEHOUSE_SMS_ACCOUNT",
                problem: format!("'{}' is not an account SID (letters and digits, like AC…)", settings.account),
            });
        }
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            // A redirected POST would be re-sent as a GET: an answer to report, not to follow.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ConfigError { var: "GATEHOUSE_SMS_API_URL", problem: format!("no HTTP client: {e}") })?;
        Ok(SmsApi {
            http,
            messages_url: format!(
                "{}/2010-04-01/Accounts/{}/Messages.json",
                settings.api_url.trim_end_matches('/'),
                settings.account
            ),
            account: settings.account,
            token: settings.token,
            from: settings.from,
        })
    }

    pub async fn send(&self, sms: &Sms) -> Result<Delivered, SendError> {
        let response = self
            .http
            .post(&self.messages_url)
            .basic_auth(&self.account, Some(&self.token))
            .header("I-Twilio-Idempotency-Token", &sms.idempotency_key)
            .header("Idempotency-Key", &sms.idempotency_key)
            .form(&[("To", sms.to.as_str()), ("From", self.from.as_str()), ("Body", sms.body.as_str())])
            .send()
            .await
            .map_err(|e| match e.is_builder() {
                // Nothing was sent: the message itself (its key, say) cannot make a request.
                true => SendError::Permanent(format!("no request can carry this message: {e}")),
                false => SendError::Temporary(format!("SMS API unreachable: {e}")),
            })?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| SendError::Temporary(format!("SMS API answer cut off: {e}")))?;
        if status.is_success() {
            // Taken is taken: an answer in another shape must not make the worker send again.
            let answer = match serde_json::from_slice::<Accepted>(&body) {
                Ok(accepted) => format!("{} {}", accepted.sid, accepted.status),
                Err(_) => format!("HTTP {status}: {}", excerpt(&body)),
            };
            return Ok(Delivered { provider_answer: answer });
        }
        let refusal = match serde_json::from_slice::<Refused>(&body) {
            Ok(Refused { code, message: Some(message) }) => match code {
                Some(code) => format!("HTTP {status}, error {code}: {message}"),
                None => format!("HTTP {status}: {message}"),
            },
            _ => format!("HTTP {status}: {}", excerpt(&body)),
        };
        if status.is_client_error() && status != StatusCode::TOO_MANY_REQUESTS {
            Err(SendError::Permanent(refusal))
        } else {
            Err(SendError::Temporary(refusal))
        }
    }
}

/// Enough of an unexpected answer to recognise it in the outbox row.
fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(200).collect()
}

/// Twilio takes an E.164 number or an alphanumeric sender ID of at most 11 characters.
fn sender(text: String) -> Result<String, ConfigError> {
    let text = text.trim().to_string();
    let number =
        text.strip_prefix('+').is_some_and(|d| (8..=15).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()));
    let name = text.len() <= 11
        && text.chars().any(|c| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ');
    if number || name {
        Ok(text)
    } else {
        Err(ConfigError {
            var: "GATEHOUSE_SMS_FROM",
            problem: format!(
                "'{text}' is neither a number like +15551234567 nor a sender name of at most 11 letters and digits"
            ),
        })
    }
}

fn api_url(text: Option<String>) -> Result<String, ConfigError> {
    let Some(text) = text else { return Ok("https://api.twilio.com".into()) };
    let url = text.trim().trim_end_matches('/');
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(url.to_string())
    } else {
        Err(ConfigError {
            var: "GATEHOUSE_SMS_API_URL",
            problem: format!("'{text}' is not an http:// or https:// address"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sender_is_an_e164_number_or_a_short_alphanumeric_name() {
        assert_eq!(sender(" +15551234567 ".into()).ok().as_deref(), Some("+15551234567"));
        assert_eq!(sender("Museum".into()).ok().as_deref(), Some("Museum"));
        for bad in ["15551234567", "+1555", "Natural History", "Café", "12345"] {
            assert_eq!(sender(bad.into()).map_err(|e| e.var), Err("GATEHOUSE_SMS_FROM"), "{bad}");
        }
    }

    #[test]
    fn the_api_url_defaults_to_twilio_and_loses_its_trailing_slash() {
        assert_eq!(api_url(None).ok().as_deref(), Some("https://api.twilio.com"));
        assert_eq!(api_url(Some("http://127.0.0.1:9/".into())).ok().as_deref(), Some("http://127.0.0.1:9"));
        assert!(api_url(Some("api.twilio.com".into())).is_err());
    }

    #[test]
    fn the_token_is_not_printed() {
        let settings = SmsSettings {
            account: "AC1".into(),
            token: "secret-token".into(),
            from: "+15551234567".into(),
            api_url: "https://api.twilio.com".into(),
            timeout: Duration::from_secs(10),
        };
        assert!(!format!("{settings:?}").contains("secret-token"));
    }
}
