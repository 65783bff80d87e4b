//! The two storage backends every backend test runs on, each as its own test case, and the
//! fresh database each test gets.
//!
//! `backend_tests!` turns `async fn name(backend: Backend) { … }` into a module `name` with two
//! `#[tokio::test]` cases, `name::sqlite` and `name::postgres`, so a failure on one backend never
//! hides the other, and `cargo test postgres` or `cargo test sqlite` picks one.
//!
//! PostgreSQL needs a server: `GATEHOUSE_TEST_POSTGRES_URL`, e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`. Rust's test harness has no skip decided at run
//! time, so without the variable a `postgres` case writes one line to stderr, `skipped …: …`,
//! and returns: it is reported as passed, but the line says it never ran. The line is written
//! to the process's stderr directly, past the harness's output capture, so every run shows it.
use chrono::Utc;
use gatehouse::store::Db;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the PostgreSQL cases find their server.
pub const POSTGRES_URL: &str = "GATEHOUSE_TEST_POSTGRES_URL";

/// The PostgreSQL server's URL; or, when `GATEHOUSE_TEST_POSTGRES_URL` is unset, `None` after
/// saying on stderr that `test` (its path, e.g. from `module_path!()`) is skipped and why.
pub fn postgres_url_or_skip(test: &str) -> Option<String> {
    let url = std::env::var(POSTGRES_URL).ok();
    if url.is_none() {
        // The crate's name leads the path; cargo lists the test without it.
        let test = test.split_once("::").map_or(test, |(_, path)| path);
        writeln!(std::io::stderr(), "skipped {test}: {POSTGRES_URL} is not set, so PostgreSQL was not tested")
            .expect("stderr");
    }
    url
}

/// Declares tests that run once per backend (see the module's documentation):
///
/// ```ignore
/// backend_tests! {
///     /// A comment, as on any test.
///     #[tokio::test(flavor = "multi_thread", worker_threads = 4)] // optional: the runtime
///     async fn a_sentence_naming_the_behaviour(backend: Backend) {
///         let app = TestApp::with_demo(backend).await;
///     }
/// }
/// ```
///
/// The body sees what its file imports (the module it generates begins `use super::*`).
macro_rules! backend_tests {
    ($(
        $(#[doc = $doc:literal])*
        $(#[tokio::test($($runtime:tt)*)])?
        async fn $name:ident($backend:ident: $backend_type:ty) $body:block
    )*) => {$(
        $(#[doc = $doc])*
        mod $name {
            use super::*;

            async fn run($backend: $backend_type) $body

            #[tokio::test($($($runtime)*)?)]
            async fn sqlite() {
                run(crate::support::Backend::Sqlite).await
            }

            #[tokio::test($($($runtime)*)?)]
            async fn postgres() {
                if crate::support::postgres_url_or_skip(concat!(module_path!(), "::postgres")).is_some() {
                    run(crate::support::Backend::Postgres).await
                }
            }
        }
    )*};
}
pub(crate) use backend_tests;

/// A fresh, migrated database that removes itself when dropped.
pub struct TestDb {
    pub db: Db,
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    /// Held only to be dropped: removing the directory removes the SQLite file.
    File {
        _dir: tempfile::TempDir,
    },
    Database {
        admin_url: String,
        name: String,
    },
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("gatehouse_test_{}_{}_{n}", std::process::id(), Utc::now().timestamp_micros())
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite:{}", dir.path().join("test.db").display());
                let db = Db::connect(&url).await.expect("open sqlite");
                db.migrate().await.expect("migrate sqlite");
                TestDb { db, cleanup: Some(Cleanup::File { _dir: dir }) }
            }
            Backend::Postgres => {
                let admin_url = std::env::var(POSTGRES_URL).expect(POSTGRES_URL);
                let name = unique_name();
                let admin = Db::connect(&admin_url).await.expect("connect to postgres");
                gatehouse::on_pool!(&admin, pool => sqlx::query(&format!("CREATE DATABASE {name}")).execute(pool).await.map(|_| ()))
                    .expect("create test database");
                admin.close().await;
                let url = gatehouse::store::with_database(&admin_url, &name);
                let db = Db::connect(&url).await.expect("open test database");
                db.migrate().await.expect("migrate postgres");
                TestDb { db, cleanup: Some(Cleanup::Database { admin_url, name }) }
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(Cleanup::Database { admin_url, name }) = self.cleanup.take() {
            // Drop runs inside the test's (blocked) runtime, so the drop uses a runtime of its own;
            // FORCE ends the pool's sessions, which belong to the test's runtime.
            let what = name.clone();
            let dropped = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async {
                    let admin = Db::connect(&admin_url).await.map_err(|e| e.to_string())?;
                    let dropped = gatehouse::on_pool!(&admin, pool =>
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(pool).await.map(|_| ()));
                    admin.close().await;
                    dropped.map_err(|e| e.to_string())
                })
            })
            .join();
            // Said, not asserted: a drop may run while a failed test unwinds, and a second panic aborts.
            match dropped {
                Ok(Ok(())) => {}
                Ok(Err(e)) => writeln!(std::io::stderr(), "test database {what} was left behind: {e}").expect("stderr"),
                Err(_) => writeln!(std::io::stderr(), "test database {what} was left behind: the drop panicked")
                    .expect("stderr"),
            }
        }
    }
}
