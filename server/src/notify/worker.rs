//! The outbox's worker: claims due messages (a claim another worker cannot take until it runs
//! out), renders them, sends them a few at a time and records the batch in one transaction.
//! Delivery is at least once: a crash after sending and before recording sends that message
//! again once its claim runs out, with the same Message-ID / idempotency key.
use super::mailbox;
use super::sms::SmsApi;
use super::smtp::Smtp;
use futures_util::StreamExt;
use gatehouse::notify::message::{Delivered, Email, SendError, Sms};
use gatehouse::notify::queue::{self, Claimed, Outcome, Sent};
use gatehouse::notify::render::{render, Rendered};
use gatehouse::notify::templates::Templates;
use gatehouse::notify::values::Links;
use gatehouse::notify::{kind::Channel, reminders};
use gatehouse::Engine;
use std::sync::Arc;
use std::time::Duration;

/// Messages claimed at once; also how many a busy outbox records per transaction.
const BATCH: i64 = 64;
/// Sends in flight at once.
const IN_FLIGHT: usize = 8;
/// How often a worker looks without being rung: for messages written by other instances, and
/// retries coming due.
const LOOK_EVERY: Duration = Duration::from_secs(2);
/// How often due reminders are written.
const REMINDERS_EVERY: Duration = Duration::from_secs(60);
/// Messages one worker delivers a second at most. Rendering a confirmation (signing the ticket,
/// drawing its QR code) costs CPU the bookings need: during a rush the outbox fills and drains
/// after it, instead of slowing the rush. Providers limit their rate well below this anyway.
const MAX_PER_SECOND: u64 = 400;

/// Where one channel's messages go.
pub enum Route {
    /// Nothing configured: kept for the dashboard.
    Mailbox,
    Smtp(Smtp),
    Sms(SmsApi),
}

impl Route {
    pub fn name(&self) -> &'static str {
        match self {
            Route::Mailbox => mailbox::NAME,
            Route::Smtp(_) => "smtp",
            Route::Sms(_) => "sms",
        }
    }

    /// Whether a message sent this way left the machine (the dashboard and the ticket page say
    /// where messages go).
    pub fn leaves_the_machine(&self) -> bool {
        !matches!(self, Route::Mailbox)
    }

    async fn email(&self, email: &Email) -> Result<Delivered, SendError> {
        match self {
            Route::Mailbox => Ok(mailbox::keep_email(email)),
            Route::Smtp(smtp) => smtp.send(email).await,
            Route::Sms(_) => Err(SendError::Permanent("an SMS provider cannot send e-mail".into())),
        }
    }

    async fn sms(&self, sms: &Sms) -> Result<Delivered, SendError> {
        match self {
            Route::Mailbox => Ok(mailbox::keep_sms(sms)),
            Route::Sms(api) => api.send(sms).await,
            Route::Smtp(_) => Err(SendError::Permanent("an SMTP server cannot send texts".into())),
        }
    }
}

/// The routes the environment configures: SMTP when `GATEHOUSE_SMTP_HOST` is set, the SMS API
/// when `GATEHOUSE_SMS_ACCOUNT` is, the local mailbox for what is not.
pub fn routes_from_env() -> Result<(Route, Route), crate::config::ConfigError> {
    let mail = Smtp::from_env()?.map_or(Route::Mailbox, Route::Smtp);
    let texts = SmsApi::from_env()?.map_or(Route::Mailbox, Route::Sms);
    Ok((mail, texts))
}

/// Everything a worker needs to deliver.
pub struct Postman {
    pub templates: Templates,
    pub links: Links,
    pub mail: Route,
    pub texts: Route,
    /// This worker among several: the claim it writes.
    pub worker: String,
}

impl Postman {
    pub fn new(templates: Templates, links: Links, mail: Route, texts: Route) -> Postman {
        Postman { templates, links, mail, texts, worker: new_worker_id() }
    }

    /// Delivers through the local mailbox only.
    pub fn to_mailbox(templates: Templates, links: Links) -> Postman {
        Postman::new(templates, links, Route::Mailbox, Route::Mailbox)
    }

    /// Claims the messages due now and delivers them; how many were claimed.
    pub async fn deliver_due(&self, engine: &Engine) -> Result<usize, sqlx::Error> {
        let claimed = queue::claim(&engine.db, &self.worker, engine.now(), BATCH).await?;
        let n = claimed.len();
        let outcomes: Vec<(Claimed, Outcome)> = futures_util::stream::iter(claimed)
            .map(|msg| async move {
                let outcome = self.deliver(engine, &msg).await;
                (msg, outcome)
            })
            .buffer_unordered(IN_FLIGHT)
            .collect()
            .await;
        for (msg, outcome) in &outcomes {
            if let Outcome::Failed { error, temporary, .. } = outcome {
                tracing::warn!(message = %msg.message_key, attempts = msg.attempts, temporary, %error, "a message was not delivered");
            }
        }
        queue::record(&engine.db, &outcomes, engine.now()).await?;
        Ok(n)
    }

    /// Delivers every message due now, batch after batch.
    pub async fn deliver_all_due(&self, engine: &Engine) -> Result<usize, sqlx::Error> {
        self.deliver_paced(engine, Duration::ZERO).await
    }

    /// As [`Postman::deliver_all_due`], resting `pause` after each full batch.
    async fn deliver_paced(&self, engine: &Engine, pause: Duration) -> Result<usize, sqlx::Error> {
        let mut total = 0;
        loop {
            let n = self.deliver_due(engine).await?;
            total += n;
            if n < BATCH as usize {
                return Ok(total);
            }
            tokio::time::sleep(pause).await;
        }
    }

    async fn deliver(&self, engine: &Engine, msg: &Claimed) -> Outcome {
        let route = match msg.channel {
            Channel::Email => &self.mail,
            Channel::Sms => &self.texts,
        };
        let rendered = match render(engine, &self.templates, &self.links, msg).await {
            Ok(r) => r,
            Err(e) => return Outcome::Failed { transport: route.name().into(), error: e.to_string(), temporary: true },
        };
        let (answer, mut sent) = match rendered {
            Rendered::Skip(reason) => return Outcome::Skipped(reason),
            Rendered::Email(email) => {
                let sent = Sent {
                    subject: email.subject.clone(),
                    body_text: email.text.clone(),
                    body_html: email.html.clone(),
                    ..Sent::default()
                };
                (route.email(&email).await, sent)
            }
            Rendered::Sms(sms) => {
                let sent = Sent { body_text: sms.body.clone(), ..Sent::default() };
                (route.sms(&sms).await, sent)
            }
        };
        match answer {
            Ok(delivered) => {
                sent.transport = route.name().into();
                sent.provider_answer = delivered.provider_answer;
                sent.forget_secret = route.leaves_the_machine();
                if sent.forget_secret {
                    if let Some(secret) = &msg.secret {
                        sent.body_text = sent.body_text.replace(secret, "(sent, not kept)");
                        sent.body_html = sent.body_html.replace(secret, "(sent, not kept)");
                    }
                }
                Outcome::Sent(sent)
            }
            Err(SendError::Temporary(error)) => {
                Outcome::Failed { transport: route.name().into(), error, temporary: true }
            }
            Err(SendError::Permanent(error)) => {
                Outcome::Failed { transport: route.name().into(), error, temporary: false }
            }
        }
    }
}

fn new_worker_id() -> String {
    format!("w{:016x}", rand::random::<u64>())
}

/// Delivers the outbox until the server shuts down: at once when this instance writes a
/// message, every two seconds for the rest; writes due reminders once a minute.
pub fn spawn(engine: Engine, postman: Arc<Postman>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last_reminders: Option<tokio::time::Instant> = None;
        loop {
            if last_reminders.is_none_or(|t| t.elapsed() >= REMINDERS_EVERY) {
                last_reminders = Some(tokio::time::Instant::now());
                if let Err(e) = reminders::queue_due(&engine).await {
                    tracing::warn!(error = %e, "due reminders could not be written; retrying next minute");
                }
            }
            let pause = Duration::from_millis(BATCH as u64 * 1000 / MAX_PER_SECOND);
            if let Err(e) = postman.deliver_paced(&engine, pause).await {
                tracing::warn!(error = %e, "the outbox could not be read; retrying shortly");
            }
            tokio::select! {
                () = engine.events.outbox_rang() => {}
                () = tokio::time::sleep(LOOK_EVERY) => {}
                () = engine.events.closed() => break,
            }
        }
    })
}
