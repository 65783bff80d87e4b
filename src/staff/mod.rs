//! Staff accounts (operators at the door, admins) and their credentials.
use crate::ids::{OrgId, UserId};
use serde::{Deserialize, Serialize};

pub mod lockout;
#[cfg(feature = "ssr")]
pub mod networks;
pub mod session;
#[cfg(feature = "ssr")]
pub mod sign_in;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    Operator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Operator, Role::Admin];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "OPERATOR",
            Role::Admin => "ADMIN",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| format!("unknown role {s}"))
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(Role);

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct StaffUser {
    pub id: UserId,
    pub orq: OrgId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
}

#[cfg(feature = "ssr")]
pub use store::*;

#[cfg(feature = "ssr")]
mod store {
    use super::*;
    use crate::on_pool;
    use crate::store::Db;
    use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
    use argon2::{Algorithm, Argon2, Params, Version};
    use chrono::{DateTime, Utc};

    #[derive(Debug, thiserror::Error)]
    pub enum UserError {
        #[error("that username is taken")]
        UsernameTaken,
        #[error("password hashing failed")]
        Hashing,
        #[error("storage failure")]
        Storage(#[from] sqlx::Error),
    }

    #[derive(sqlx::FromRow)]
    struct UserRow {
        #[sqlx(flatten)]
        user: StaffUser,
        password_hash: String,
    }

    impl UserRow {
        fn into_user(self) -> StaffUser {
            self.user
        }
    }

    /// argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane): ~46 ms a hash on this hardware.
    fn hasher() -> Argon2<'static> {
        let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    pub fn hash_password(password: &str) -> Result<String, UserError> {
        let salt = SaltString::generate(&mut OsRng);
        hasher().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| UserError::Hashing)
    }

    pub(super) fn password_matches(password: &str, hash: &str) -> bool {
        PasswordHash::new(hash).is_ok_and(|h| hasher().verify_password(password.as_bytes(), &h).is_ok())
    }

    pub async fn create_user(
        db: &Db,
        orq: OrgId,
        username: &str,
        display_name: &str,
        role: Role,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<StaffUser, UserError> {
        let password = password.to_owned();
        let hash =
            tokio::task::spawn_blocking(move || hash_password(&password)).await.map_err(|_| UserError::Hashing)??;
        let inserted = on_pool!(db, pool => sqlx::query_as::<_, (UserId,)>(
            "INSERT INTO users (orq, username, display_name, role, password_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(orq).bind(username).bind(display_name).bind(role).bind(&hash).bind(now)
            .fetch_one(pool).await);
        match inserted {
            Ok((id,)) => Ok(StaffUser { id, orq, username: username.into(), display_name: display_name.into(), role }),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(UserError::UsernameTaken),
            Err(e) => Err(e.into()),
        }
    }

    /// The user when the password is right; `None` for an unknown user or a wrong password alike.
    pub async fn authenticate(db: &Db, username: &str, password: &str) -> Result<Option<StaffUser>, UserError> {
        let Some(row) = row_by_username(db, username).await? else { return Ok(None) };
        let password = password.to_owned();
        let hash = row.password_hash.clone();
        let ok = tokio::task::spawn_blocking(move || password_matches(&password, &hash)).await.unwrap_or(false);
        Ok(ok.then(|| row.into_user()))
    }

    pub async fn issue_token(db: &Db, user_id: UserId, label: &str, now: DateTime<Utc>) -> Result<String, sqlx::Error> {
        // API tokens are 32 random bytes shown once; only their digest is stored.
        let token = crate::secret::random_token("gh_", 32);
        on_pool!(db, pool => sqlx::query(
            "INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES ($1, $2, $3, $4)")
            .bind(user_id).bind(crate::secret::digest(&token)).bind(label).bind(now).execute(pool).await.map(|_| ()))?;
        Ok(token)
    }

    pub async fn user_by_token(db: &Db, token: &str) -> Result<Option<StaffUser>, sqlx::Error> {
        let row: Option<UserRow> = on_pool!(db, pool => sqlx::query_as(
            "SELECT u.id, u.orq, u.username, u.display_name, u.role, u.password_hash
             FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1")
            .bind(crate::secret::digest(token)).fetch_optional(pool).await)?;
        Ok(row.map(UserRow::into_user))
    }

    pub async fn user_by_username(db: &Db, username: &str) -> Result<Option<StaffUser>, sqlx::Error> {
        Ok(row_by_username(db, username).await?.map(UserRow::into_user))
    }

    pub async fn user_by_id(db: &Db, id: UserId) -> Result<Option<StaffUser>, sqlx::Error> {
        let row: Option<UserRow> = on_pool!(db, pool => sqlx::query_as(
            "SELECT id, orq, username, display_name, role, password_hash FROM users WHERE id = $1")
            .bind(id).fetch_optional(pool).await)?;
        Ok(row.map(UserRow::into_user))
    }

    async fn row_by_username(db: &Db, username: &str) -> Result<Option<UserRow>, sqlx::Error> {
        on_pool!(db, pool => sqlx::query_as(
            "SELECT id, orq, username, display_name, role, password_hash FROM users WHERE username = $1")
            .bind(username).fetch_optional(pool).await)
    }
}
