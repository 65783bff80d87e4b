//! Staff sessions (tower-sessions), kept in the database beside everything else so that a restart
//! signs nobody out. The table is created by migration 0004. The cookie is HttpOnly (no script
//! reads it), SameSite=Strict (no other site's page sends it), Secure when browsers reach the
//! server over https (`Site::is_https`: TLS served here, or an https public URL), and lapses after 8 hours unused; the 8 hours from sign-in are checked on the engine's
//! clock (`gatehouse::staff::session`).
use axum::Router;
use gatehouse::store::Db;
use gatehouse::Engine;
use tower_sessions::cookie::time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

const TABLE: &str = "staff_sessions";
pub const COOKIE: &str = "gatehouse_staff";

pub fn with_sessions(router: Router, db: &Db, secure: bool) -> Router {
    match db {
        Db::Sqlite(pool) => router.layer(layer(sqlite_store(pool), secure)),
        Db::Postgres(pool) => router.layer(layer(postgres_store(pool), secure)),
    }
}

fn sqlite_store(pool: &sqlx::SqlitePool) -> SqliteStore {
    SqliteStore::new(pool.clone()).with_table_name(TABLE).expect("a valid table name")
}

fn postgres_store(pool: &sqlx::PgPool) -> PostgresStore {
    PostgresStore::new(pool.clone())
        .with_schema_name("public")
        .and_then(|s| s.with_table_name(TABLE))
        .expect("a valid table name")
}

/// Every ten minutes, deletes ended sessions and failed sign-ins that no longer count, so that
/// neither table grows with time. Safe on several instances at once (plain DELETEs).
pub fn spawn_sweep(engine: Engine) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
        loop {
            tick.tick().await;
            let sessions = match &engine.db {
                Db::Sqlite(pool) => sqlite_store(pool).delete_expired().await,
                Db::Postgres(pool) => postgres_store(pool).delete_expired().await,
            };
            if let Err(e) = sessions {
                tracing::warn!(error = %e, "deleting ended staff sessions failed; retrying later");
            }
            if let Err(e) = gatehouse::staff::sign_in::forget_old_failures(&engine.db, engine.now()).await {
                tracing::warn!(error = %e, "deleting old failed sign-ins failed; retrying later");
            }
        }
    })
}

fn layer<S: SessionStore + Clone>(store: S, secure: bool) -> SessionManagerLayer<S> {
    SessionManagerLayer::new(store)
        .with_name(COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(secure)
        .with_expiry(Expiry::OnInactivity(Duration::hours(8)))
}
