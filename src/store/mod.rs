//! Storage: one handle over SQLite (embedded default) and PostgreSQL (many instances, one
//! database), the write transaction both share, and the group-commit batcher (`batch`).
//!
//! Both engines run the same SQL: SQLite accepts `$1` placeholders, types map through sqlx
//! (chrono instants as text in SQLite, `timestamptz` in PostgreSQL). Each engine has its own
//! migrations folder because their DDL differs.
pub mod batch;
#[cfg(test)]
pub mod plan;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("database URL must start with sqlite: or postgres:, got '{0}'")]
    UnknownScheme(String),
    #[error("cannot create the database folder {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("cannot open the database: {0}")]
    Open(#[from] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Runs the same body once per engine, with `$pool` bound to that engine's pool, so a query is
/// written once and type-checked against both drivers.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::store::Db::Sqlite($pool) => $body,
            $crate::store::Db::Postgres($pool) => $body,
        }
    };
}

/// PostgreSQL connections a server keeps open while idle, so that a rush after a quiet hour does
/// not begin by opening them (a backend and a TLS handshake each, on the machine the rush loads):
/// the first scans of 100 doors at once, two instances, p99 316 ms with none kept, 119 ms with
/// these. Tests and tools open connections as they need them.
pub const KEPT_CONNECTIONS: u32 = 16;

impl Db {
    pub async fn connect(url: &str) -> Result<Db, ConnectError> {
        Self::connect_keeping(url, 0).await
    }

    /// [`Db::connect`], keeping `kept` PostgreSQL connections open while idle (SQLite: no effect).
    pub async fn connect_keeping(url: &str, kept: u32) -> Result<Db, ConnectError> {
        if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Self::connect_postgres(url, kept).await
        } else {
            Err(ConnectError::UnknownScheme(url.chars().take(40).collect()))
        }
    }

    /// Creates the database when the server answers but it does not exist yet, as SQLite
    /// creates its file: following the README needs no `createdb`.
    async fn connect_postgres(url: &str, kept: u32) -> Result<Db, ConnectError> {
        let options = PgConnectOptions::from_str(url)?;
        let pool_options =
            || PgPoolOptions::new().max_connections(32).min_connections(kept).acquire_timeout(Duration::from_secs(10));
        match pool_options().connect_with(options.clone()).await {
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some(UNDEFINED_DATABASE) => {
                let name = options.get_database().unwrap_or("postgres").to_string();
                create_database(&options, &name).await?;
                Ok(Db::Postgres(pool_options().connect_with(options).await?))
            }
            other => Ok(Db::Postgres(other?)),
        }
    }

    async fn connect_sqlite(url: &str) -> Result<Db, ConnectError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an answered write survives power loss, not only a process crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let path = options.get_filename();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| ConnectError::Folder { path: parent.display().to_string(), source })?;
        }
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        Ok(Db::Sqlite(pool))
    }

    pub async fn migrate(&self) -> Result<(), ConnectError> {
        match self {
            Db::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await?,
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// True when a trivial query answers within the pool's timeout.
    pub async fn is_reachable(&self) -> bool {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.is_ok())
    }

    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// Stores a status-like type as its name, on both engines, through its `as_str` and `FromStr`.
/// A stored name the type does not know is a decoding error (logged, answered as a failure),
/// never a default that would quietly change what a row means.
#[macro_export]
macro_rules! stored_as_text {
    ($t:ty) => {
        impl<DB: sqlx::Database> sqlx::Type<DB> for $t
        where
            String: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as sqlx::Type<DB>>::type_info()
            }
            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $t
        where
            &'q str: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buf: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&str as sqlx::Encode<'q, DB>>::encode(self.as_str(), buf)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $t
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(value: <DB as sqlx::Database>::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let name = <&str as sqlx::Decode<'r, DB>>::decode(value)?;
                name.parse::<$t>().map_err(Into::into)
            }
        }
    };
}

/// PostgreSQL's SQLSTATE for "database does not exist".
const UNDEFINED_DATABASE: &str = "3D000";

/// Creates database `name` through the server's maintenance database.
async fn create_database(options: &PgConnectOptions, name: &str) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect_with(&options.clone().database("postgres")).await?;
    let quoted = format!("\"{}\"", name.replace('"', "\"\""));
    let created = sqlx::query(&format!("CREATE DATABASE {quoted}")).execute(&mut admin).await;
    admin.close().await?;
    match created {
        // Another instance starting at the same moment created it first.
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some(DUPLICATE_DATABASE) => Ok(()),
        other => other.map(|_| ()),
    }
}

const DUPLICATE_DATABASE: &str = "42P04";

/// An open transaction that writes, on either engine. SQLite takes the write lock up front
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later can fail with
/// SQLITE_BUSY instead of waiting its turn. PostgreSQL locks rows as statements touch them.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs the same body once per engine with `$conn` bound to the transaction's connection, so a
/// statement inside a transaction is written once, like [`on_pool!`] does for a pool.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::store::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::store::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

impl Db {
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

/// `url` with its database name replaced by `name` (query string kept).
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let cut = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    match query {
        Some(q) => format!("{}/{name}?{q}", &base[..cut]),
        None => format!("{}/{name}", &base[..cut]),
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_replaced_and_parameters_kept() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "b"),
            "postgres://postgres@127.0.0.1:5432/b?sslmode=disable"
        );
    }

    #[test]
    fn a_url_without_a_database_gets_one() {
        assert_eq!(with_database("postgres://u@localhost", "b"), "postgres://u@localhost/b");
    }
}
