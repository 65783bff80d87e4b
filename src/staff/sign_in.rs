//! Signing in with a password. Whoever asks learns only "wrong username or password", also for an
//! unknown username, and in about the same time (a dummy hash is verified); a locked account says
//! so whether or not the password was right. Failures are also counted per client address, so that
//! one address cannot guess its way across many accounts, and an organization may limit where its
//! staff sign in from.
use super::lockout::{lock_duration, minutes_locked, MAX_ADDRESS_FAILURES, MAX_FAILURES};
use super::networks::{subscriber, StaffNetworks};
use super::store::password_matches;
use super::{hash_password, Role, StaffUser};
use crate::error::{detail, details, DomainError};
use crate::ids::UserId;
use crate::on_pool;
use crate::store::Db;
use chrono::{DateTime, Utc};
use std::net::IpAddr;
use std::sync::LazyLock;

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// 401 — unknown username and wrong password alike.
    #[error("Wrong username or password.")]
    WrongCredentials,
    /// 423
    #[error("This account is locked after too many failed sign-ins. Try again in {minutes} minutes.")]
    Locked { minutes: i64 },
    /// 403 — the right password, on the other role's page.
    #[error("This account cannot sign in here.")]
    WrongRole,
    /// 429 — too many failed sign-ins from this client address, whichever accounts they named.
    #[error("Too many failed sign-ins from this network. Try again in {minutes} minutes.")]
    TooManyFailures { minutes: i64 },
    /// 403 — the organization lets its staff work only from its own networks.
    #[error("Staff pages of this organization cannot be used from this network.")]
    NetworkNotAllowed,
    #[error("storage failure")]
    Storage(#[from] sqlx::Error),
}

impl DomainError for SignInError {
    fn code(&self) -> &'static str {
        match self {
            Self::WrongCredentials => "WRONG_CREDENTIALS",
            Self::Locked { .. } => "ACCOUNT_LOCKED",
            Self::WrongRole => "WRONG_ROLE",
            Self::TooManyFailures { .. } => "TOO_MANY_FAILED_SIGN_INS",
            Self::NetworkNotAllowed => "NETWORK_NOT_ALLOWED",
            Self::Storage(_) => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::WrongCredentials => 401,
            Self::Locked { .. } => 423,
            Self::WrongRole | Self::NetworkNotAllowed => 403,
            Self::TooManyFailures { .. } => 429,
            Self::Storage(_) => 500,
        }
    }

    fn details(&self) -> serde_json::Map<String, serde_json::Value> {
        match self {
            Self::Locked { minutes } | Self::TooManyFailures { minutes } => details([("minutes", detail(minutes))]),
            _ => serde_json::Map::new(),
        }
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        match self {
            Self::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// Verified when the username is unknown, so that such an answer takes as long as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password(&crate::secret::random_token("", 16)).unwrap_or_default());

#[derive(sqlx::FromRow)]
struct Account {
    #[sqlx(flatten)]
    user: StaffUser,
    password_hash: String,
    locked_until: Option<DateTime<Utc>>,
    staff_networks: String,
}

/// Who is signing in, from where, for which pages.
pub struct Attempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub client: IpAddr,
}

/// The staff member `username` when `password` is theirs, their account is not locked, their
/// organization lets them in from `client`, and their role is `role`. A wrong password counts
/// towards the account's lock and the address's limit; a right one clears the account's count.
pub async fn sign_in(db: &Db, attempt: Attempt<'_>, now: DateTime<Utc>) -> Result<StaffUser, SignInError> {
    let address = subscriber(attempt.client).to_string();
    // Refused before the password is hashed: a flood of guesses costs the server no hashing.
    if let Some(minutes) = address_locked(db, &address, now).await? {
        return Err(SignInError::TooManyFailures { minutes });
    }
    let account: Option<Account> = on_pool!(db, pool => sqlx::query_as(
        "SELECT u.id, u.orq, u.username, u.display_name, u.role, u.password_hash, u.locked_until, o.staff_networks
         FROM users u JOIN organizations o ON o.id = u.orq WHERE u.username = $1")
        .bind(attempt.username).fetch_optional(pool).await)?;
    let hash = account.as_ref().map_or_else(|| DUMMY_HASH.clone(), |a| a.password_hash.clone());
    let password = attempt.password.to_owned();
    let right = tokio::task::spawn_blocking(move || password_matches(&password, &hash)).await.unwrap_or(false);
    let Some(account) = account else {
        record_address_failure(db, &address, now).await?;
        return Err(SignInError::WrongCredentials);
    };
    if let Some(minutes) = minutes_locked(account.locked_until, now) {
        record_address_failure(db, &address, now).await?;
        return Err(SignInError::Locked { minutes });
    }
    if !right {
        record_failure(db, account.user.id, now).await?;
        record_address_failure(db, &address, now).await?;
        return Err(SignInError::WrongCredentials);
    }
    on_pool!(db, pool => sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE id = $1")
        .bind(account.user.id).execute(pool).await.map(|_| ()))?;
    // Only after the password: a stranger learns nothing of the organization's networks.
    if !StaffNetworks::stored(&account.staff_networks).allows(attempt.client) {
        return Err(SignInError::NetworkNotAllowed);
    }
    if account.user.role != attempt.role {
        return Err(SignInError::WrongRole);
    }
    Ok(account.user)
}

/// Minutes until the address may try again, when its failures in the window reached the limit.
async fn address_locked(db: &Db, address: &str, now: DateTime<Utc>) -> Result<Option<i64>, sqlx::Error> {
    let (count, oldest): (i64, Option<DateTime<Utc>>) = on_pool!(db, pool => sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM sign_in_failures WHERE address = $1 AND created_at > $2")
        .bind(address).bind(now - lock_duration()).fetch_one(pool).await)?;
    Ok(if count >= MAX_ADDRESS_FAILURES { minutes_locked(oldest.map(|t| t + lock_duration()), now) } else { None })
}

async fn record_address_failure(db: &Db, address: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => sqlx::query("INSERT INTO sign_in_failures (address, created_at) VALUES ($1, $2)")
        .bind(address).bind(now).execute(pool).await.map(|_| ()))
}

/// Drops failures older than the window: they no longer count. Run from time to time.
pub async fn forget_old_failures(db: &Db, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query("DELETE FROM sign_in_failures WHERE created_at <= $1")
        .bind(now - lock_duration()).execute(pool).await.map(|r| r.rows_affected()))
}

/// One statement, so that parallel wrong guesses each count: the fifth in a row locks the account
/// and starts the count again.
async fn record_failure(db: &Db, user: UserId, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => sqlx::query(
        "UPDATE users SET
             locked_until = CASE WHEN failed_attempts + 1 >= $1 THEN $2 ELSE locked_until END,
             failed_attempts = CASE WHEN failed_attempts + 1 >= $1 THEN 0 ELSE failed_attempts + 1 END
         WHERE id = $3")
        .bind(MAX_FAILURES).bind(now + lock_duration()).bind(user).execute(pool).await.map(|_| ()))
}
