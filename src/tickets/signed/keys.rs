//! An organization's signing keys, kept in the database and rotated without invalidating what
//! was issued: the newest key not retired signs, every key not retired verifies. A key is made
//! on first use (or at demo seeding). Secret keys never leave this module except as a
//! signature, and never reach a log (`OrgSigningKey`'s `Debug` leaves them out).
use super::{PublicKey, SignedTicket};
use crate::audit::{self, Action, Change, Subject};
use crate::error::DomainError;
use crate::ids::{OrgId, SigningKeyId, UserId};
use crate::store::Db;
use crate::tickets::code::TicketCode;
use crate::{on_pool, on_tx};
use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::SigningKey;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("No signing key of this organization has that id, or it is retired already.")]
    NotFound,
    #[error("the operating system's random source failed")]
    Random,
    #[error("stored signing key {0} is not 32 bytes")]
    Corrupt(SigningKeyId),
    #[error("storage failure")]
    Storage(#[from] sqlx::Error),
}

impl DomainError for KeyError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "SIGNING_KEY_NOT_FOUND",
            _ => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            _ => 500,
        }
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        match self {
            Self::NotFound => None,
            Self::Storage(e) => Some(e),
            other => Some(other),
        }
    }
}

/// The key that signs an organization's tickets now.
pub struct OrgSigningKey {
    pub id: SigningKeyId,
    pub orq: OrgId,
    secret: SigningKey,
}

impl std::fmt::Debug for OrgSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgSigningKey").field("id", &self.id).field("orq", &self.orq).finish_non_exhaustive()
    }
}

impl OrgSigningKey {
    pub fn sign(&self, code: TicketCode, date: Option<NaiveDate>) -> SignedTicket {
        SignedTicket::sign(code, self.orq, date, self.id, &self.secret)
    }
}

#[derive(sqlx::FromRow)]
struct SecretRow {
    id: SigningKeyId,
    orq: OrgId,
    secret_key: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct PublicRow {
    id: SigningKeyId,
    orq: OrgId,
    public_key: Vec<u8>,
    created_at: DateTime<Utc>,
}

impl PublicRow {
    fn into_key(self) -> Result<PublicKey, KeyError> {
        let public_key = self.public_key.try_into().map_err(|_| KeyError::Corrupt(self.id))?;
        Ok(PublicKey { key_id: self.id, orq: self.orq, public_key, created_at: self.created_at })
    }
}

/// The payload of ticket `code` of `orq` as it stands (reserved for `date`), signed with the
/// organization's key: what its QR code shows. Render it from current data, so a changed
/// visit's QR code carries the new date.
pub async fn sign_ticket(
    db: &Db,
    code: &TicketCode,
    orq: OrgId,
    date: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<SignedTicket, KeyError> {
    Ok(active_key(db, orq, now).await?.sign(code.clone(), date))
}

/// The organization's newest key not retired, made now if it has none.
pub async fn active_key(db: &Db, orq: OrgId, now: DateTime<Utc>) -> Result<OrgSigningKey, KeyError> {
    if let Some(key) = newest(db, orq).await? {
        return Ok(key);
    }
    // Two first uses at once may both insert on PostgreSQL: harmless, both keys verify.
    let secret = new_secret()?;
    on_pool!(db, pool => sqlx::query(
        "INSERT INTO signing_keys (orq, public_key, secret_key, created_at)
         SELECT $1, $2, $3, $4
         WHERE NOT EXISTS (SELECT 1 FROM signing_keys WHERE orq = $1 AND retired_at IS NULL)")
        .bind(orq).bind(secret.verifying_key().to_bytes().to_vec()).bind(secret.to_bytes().to_vec()).bind(now)
        .execute(pool).await.map(|_| ()))?;
    newest(db, orq).await?.ok_or(KeyError::Storage(sqlx::Error::RowNotFound))
}

async fn newest(db: &Db, orq: OrgId) -> Result<Option<OrgSigningKey>, KeyError> {
    let row: Option<SecretRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, orq, secret_key FROM signing_keys
         WHERE orq = $1 AND retired_at IS NULL ORDER BY id DESC LIMIT 1")
        .bind(orq).fetch_optional(pool).await)?;
    row.map(|r| {
        let seed: [u8; 32] = r.secret_key.try_into().map_err(|_| KeyError::Corrupt(r.id))?;
        Ok(OrgSigningKey { id: r.id, orq: r.orq, secret: SigningKey::from_bytes(&seed) })
    })
    .transpose()
}

/// A new key that signs from now on; the keys before it keep verifying until retired.
pub async fn rotate(db: &Db, orq: OrgId, actor: Option<UserId>, now: DateTime<Utc>) -> Result<PublicKey, KeyError> {
    let secret = new_secret()?;
    let mut tx = db.begin_write().await?;
    let row: PublicRow = on_tx!(&mut tx, conn => sqlx::query_as(
        "INSERT INTO signing_keys (orq, public_key, secret_key, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id, orq, public_key, created_at")
        .bind(orq).bind(secret.verifying_key().to_bytes().to_vec()).bind(secret.to_bytes().to_vec()).bind(now)
        .fetch_one(&mut *conn).await)?;
    let key = row.into_key()?;
    let change = Change {
        actor,
        action: Action::SigningKeyRotated,
        subject: Subject::SigningKey(key.key_id.0),
        summary: format!("Key {} signs new tickets from now on", key.key_id),
        before: None,
        after: Some(serde_json::json!({ "key_id": key.key_id })),
    };
    audit::record(&mut tx, orq, &change, now).await?;
    tx.commit().await?;
    Ok(key)
}

/// Stops a key verifying: QR codes it signed are refused from now on (their ticket codes, typed,
/// still work). Retiring the signing key makes the newest one left sign, or a new one.
pub async fn retire(
    db: &Db,
    orq: OrgId,
    actor: Option<UserId>,
    key_id: SigningKeyId,
    now: DateTime<Utc>,
) -> Result<(), KeyError> {
    let mut tx = db.begin_write().await?;
    let retired = on_tx!(&mut tx, conn => sqlx::query(
        "UPDATE signing_keys SET retired_at = $3 WHERE id = $1 AND orq = $2 AND retired_at IS NULL")
        .bind(key_id).bind(orq).bind(now).execute(&mut *conn).await.map(|r| r.rows_affected()))?;
    if retired == 0 {
        return Err(KeyError::NotFound);
    }
    let change = Change {
        actor,
        action: Action::SigningKeyRetired,
        subject: Subject::SigningKey(key_id.0),
        summary: format!("Key {key_id} no longer verifies QR codes"),
        before: Some(serde_json::json!({ "retired": false })),
        after: Some(serde_json::json!({ "retired": true })),
    };
    audit::record(&mut tx, orq, &change, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The organization's keys that verify its tickets (not retired), oldest first.
pub async fn public_keys(db: &Db, orq: OrgId) -> Result<Vec<PublicKey>, KeyError> {
    let rows: Vec<PublicRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, orq, public_key, created_at FROM signing_keys
         WHERE orq = $1 AND retired_at IS NULL ORDER BY id")
        .bind(orq).fetch_all(pool).await)?;
    rows.into_iter().map(PublicRow::into_key).collect()
}

/// A new Ed25519 key from the operating system's random source.
fn new_secret() -> Result<SigningKey, KeyError> {
    use rand::TryRngCore;
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.try_fill_bytes(&mut seed).map_err(|_| KeyError::Random)?;
    Ok(SigningKey::from_bytes(&seed))
}
