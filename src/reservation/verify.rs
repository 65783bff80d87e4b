//! Contact verification (PRD §4.2.2 option A), for organizations that turn it on: before
//! booking, a visitor confirms the e-mail address they gave with a 6-digit code sent to it. A
//! code lasts five minutes and takes three attempts; only its digest is kept; a ticket may ask
//! for five codes an hour. The booking statement itself checks that the address was confirmed
//! (see `book.rs`), so no caller (page or REST API) can book around it.
use crate::audit::{Action, Change, Subject};
use crate::contact::Email;
use crate::error::{detail, details, DomainError};
use crate::ids::{OrgId, UserId};
use crate::notify::kind::Kind;
use crate::store::batch::Write;
use crate::store::{Db, Tx};
use crate::tickets::code::TicketCode;
use crate::{on_pool, on_tx, secret, Engine};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use serde_json::{Map, Value};

pub const CODE_LIFETIME: Duration = Duration::minutes(5);
pub const ATTEMPTS: i64 = 3;
pub const CODES_PER_HOUR: i64 = 5;
/// How long a confirmed address stays good for booking with its ticket.
pub const CONFIRMED_FOR: Duration = Duration::hours(2);

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("Enter the 6 digits from the e-mail.")]
    Malformed,
    #[error("That code is not right. {left} attempt(s) left.")]
    WrongCode { left: i64 },
    #[error("This code has expired. Ask for a new one.")]
    Expired,
    #[error("Too many wrong codes. Ask for a new one.")]
    TooManyAttempts,
    #[error("No code was sent to this address yet. Ask for one.")]
    NoCode,
    #[error("Too many codes were asked for this ticket. Please try again in an hour.")]
    TooManyCodes,
    #[error("storage failure")]
    Storage(#[from] sqlx::Error),
}

impl DomainError for VerifyError {
    fn code(&self) -> &'static str {
        match self {
            Self::Malformed => "VERIFICATION_CODE_MALFORMED",
            Self::WrongCode { .. } => "VERIFICATION_CODE_WRONG",
            Self::Expired => "VERIFICATION_CODE_EXPIRED",
            Self::TooManyAttempts => "VERIFICATION_ATTEMPTS_EXCEEDED",
            Self::NoCode => "VERIFICATION_CODE_MISSING",
            Self::TooManyCodes => "VERIFICATION_RATE_LIMITED",
            Self::Storage(_) => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::TooManyCodes => 429,
            Self::Storage(_) => 500,
            _ => 400,
        }
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            Self::WrongCode { left } => details([("attempts_left", detail(left))]),
            _ => Map::new(),
        }
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        match self {
            Self::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// What the code step says about the code in its address: a refusal's wording (the count of
/// attempts left is not carried), or that a new code went out.
pub fn wording_of(code: &str) -> Option<&'static str> {
    Some(match code {
        "VERIFICATION_CODE_MALFORMED" => "Enter the 6 digits from the e-mail.",
        "VERIFICATION_CODE_WRONG" => "That code is not right. Check the e-mail and try again.",
        "VERIFICATION_CODE_EXPIRED" => "This code has expired. Ask for a new one.",
        "VERIFICATION_ATTEMPTS_EXCEEDED" => "Too many wrong codes. Ask for a new one.",
        "VERIFICATION_CODE_MISSING" => "No code was sent to this address yet. Ask for one.",
        "VERIFICATION_RATE_LIMITED" => "Too many codes were asked for this ticket. Please try again in an hour.",
        "VERIFICATION_CODE_SENT" => "A new code is on its way.",
        _ => return None,
    })
}

/// Whether organization `orq` asks visitors to confirm their address.
pub async fn required(db: &Db, orq: OrgId) -> Result<bool, sqlx::Error> {
    let on: Option<(bool,)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT verify_contact FROM organizations WHERE id = $1").bind(orq).fetch_optional(pool).await)?;
    Ok(on.is_some_and(|(on,)| on))
}

/// Turns contact verification on or off for `orq`, by `actor` (`None`: the command line or a
/// test), with its audit entry in the same transaction.
pub async fn set_required(engine: &Engine, orq: OrgId, actor: Option<UserId>, on: bool) -> Result<(), sqlx::Error> {
    let mut tx = engine.db.begin_write().await?;
    let before: Option<(bool,)> = on_tx!(&mut tx, conn => async {
        let before = sqlx::query_as("SELECT verify_contact FROM organizations WHERE id = $1")
            .bind(orq).fetch_optional(&mut *conn).await?;
        sqlx::query("UPDATE organizations SET verify_contact = $2 WHERE id = $1")
            .bind(orq).bind(on).execute(&mut *conn).await?;
        Ok::<_, sqlx::Error>(before)
    }.await)?;
    let change = Change {
        actor,
        action: Action::ContactVerification,
        subject: Subject::Organization,
        summary: if on {
            "Visitors confirm their e-mail with a code before booking"
        } else {
            "Visitors book without a code"
        }
        .into(),
        before: before.map(|(b,)| json!({ "verify_contact": b })),
        after: Some(json!({ "verify_contact": on })),
    };
    crate::audit::record(&mut tx, orq, &change, engine.now()).await?;
    tx.commit().await
}

/// Whether ticket `code`'s visitor confirmed `email` recently enough to book with it.
pub async fn is_confirmed(db: &Db, code: &TicketCode, email: &Email, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let found: Option<(i64,)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT v.id FROM contact_verifications v JOIN tickets t ON t.id = v.ticket_id
         WHERE t.ticket_code = $1 AND v.destination = $2 AND v.verified_at > $3 LIMIT 1")
        .bind(code.as_str()).bind(email.as_str()).bind(now - CONFIRMED_FOR).fetch_optional(pool).await)?;
    Ok(found.is_some())
}

/// The digest kept of a code: tied to its ticket, so equal codes of two tickets differ.
fn digest(ticket: &TicketCode, code: &str) -> String {
    secret::digest(&format!("{}:{code}", ticket.as_str()))
}

/// Sends a new code to `email` for ticket `code`.
pub async fn send_code(engine: &Engine, code: &TicketCode, email: &Email) -> Result<(), VerifyError> {
    let digits = format!("{:06}", rand::random_range(0..1_000_000u32));
    let write = NewCode {
        ticket: code.clone(),
        email: email.as_str().to_string(),
        hash: digest(code, &digits),
        digits,
        now: engine.now(),
    };
    if engine.batcher.write(write).await? {
        engine.events.outbox_written();
        Ok(())
    } else {
        Err(VerifyError::TooManyCodes)
    }
}

struct NewCode {
    ticket: TicketCode,
    email: String,
    hash: String,
    digits: String,
    now: DateTime<Utc>,
}

impl Write for NewCode {
    /// Whether the code was written (not when the ticket asked for too many this hour).
    type Output = bool;

    async fn apply(&self, tx: &mut Tx) -> Result<bool, sqlx::Error> {
        let NewCode { ticket, email, hash, digits, now } = self;
        on_tx!(tx, conn => async {
            let written: Option<(i64, OrgId)> = sqlx::query_as(
                "INSERT INTO contact_verifications (orq, ticket_id, destination, code_hash, expires_at, created_at)
                 SELECT t.orq, t.id, $2, $3, $4, $5 FROM tickets t
                 WHERE t.ticket_code = $1
                   AND (SELECT COUNT(*) FROM contact_verifications v WHERE v.ticket_id = t.id AND v.created_at > $6) < $7
                 RETURNING id, orq")
                .bind(ticket.as_str()).bind(email).bind(hash).bind(*now + CODE_LIFETIME).bind(now)
                .bind(*now - Duration::hours(1)).bind(CODES_PER_HOUR).fetch_optional(&mut *conn).await?;
            let Some((id, orq)) = written else { return Ok(false) };
            sqlx::query(
                "INSERT INTO outbox (orq, message_key, kind, channel, recipient, secret, due_at, created_at)
                 VALUES ($1, $2, $3, 'email', $4, $5, $6, $6)")
                .bind(orq).bind(format!("v{id}-email")).bind(Kind::VerificationCode).bind(email).bind(digits)
                .bind(now).execute(&mut *conn).await?;
            // The same code by text to the phone the contact step saved (PRD §4.2.2: e-mail and
            // phone), so a visitor without their mail at hand can confirm too.
            sqlx::query(
                "INSERT INTO outbox (orq, message_key, kind, channel, recipient, secret, due_at, created_at)
                 SELECT t.orq, $2, $3, 'sms', t.customer_phone, $4, $5, $5 FROM tickets t
                 WHERE t.ticket_code = $1 AND COALESCE(t.customer_phone, '') <> ''")
                .bind(ticket.as_str()).bind(format!("v{id}-sms")).bind(Kind::VerificationCode).bind(digits)
                .bind(now).execute(&mut *conn).await?;
            Ok(true)
        }.await)
    }
}

/// Checks the code a visitor typed for ticket `code` and address `email`: the newest code sent
/// there, within its lifetime and attempts. Each check counts as an attempt, in the same write.
pub async fn check_code(engine: &Engine, code: &TicketCode, email: &Email, typed: &str) -> Result<(), VerifyError> {
    let digits: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(VerifyError::Malformed);
    }
    let write = Check {
        ticket: code.clone(),
        email: email.as_str().to_string(),
        hash: digest(code, &digits),
        now: engine.now(),
    };
    engine.batcher.write(write).await?
}

/// A code sent: its id, digest, attempts so far, expiry and when it was confirmed.
type CodeRow = (i64, String, i64, DateTime<Utc>, Option<DateTime<Utc>>);

struct Check {
    ticket: TicketCode,
    email: String,
    hash: String,
    now: DateTime<Utc>,
}

impl Write for Check {
    type Output = Result<(), VerifyError>;

    async fn apply(&self, tx: &mut Tx) -> Result<Self::Output, sqlx::Error> {
        let Check { ticket, email, hash, now } = self;
        on_tx!(tx, conn => async {
            let newest: Option<CodeRow> = sqlx::query_as(
                "SELECT v.id, v.code_hash, v.attempts, v.expires_at, v.verified_at
                 FROM contact_verifications v JOIN tickets t ON t.id = v.ticket_id
                 WHERE t.ticket_code = $1 AND v.destination = $2 ORDER BY v.id DESC LIMIT 1")
                .bind(ticket.as_str()).bind(email).fetch_optional(&mut *conn).await?;
            let Some((id, stored, attempts, expires_at, verified_at)) = newest else {
                return Ok(Err(VerifyError::NoCode));
            };
            if verified_at.is_some() {
                return Ok(Ok(()));
            }
            if attempts >= ATTEMPTS {
                return Ok(Err(VerifyError::TooManyAttempts));
            }
            if expires_at <= *now {
                return Ok(Err(VerifyError::Expired));
            }
            let right = secret::same(&stored, hash);
            sqlx::query(
                "UPDATE contact_verifications SET attempts = attempts + 1,
                        verified_at = CASE WHEN $2 THEN $3 ELSE verified_at END
                 WHERE id = $1")
                .bind(id).bind(right).bind(now).execute(&mut *conn).await?;
            Ok(if right {
                Ok(())
            } else if attempts + 1 >= ATTEMPTS {
                Err(VerifyError::TooManyAttempts)
            } else {
                Err(VerifyError::WrongCode { left: ATTEMPTS - attempts - 1 })
            })
        }.await)
    }
}
