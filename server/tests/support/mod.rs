//! Test harness: the real router on port 0 over a fresh database, talked to over real HTTP.
//! Every test gets its own SQLite file or PostgreSQL database, dropped when the test ends.
#![allow(dead_code)] // each test binary uses a different part of the harness
use chrono::{DateTime, TimeZone, Utc};
use gatehouse::clock::ManualClock;
use gatehouse::db::Db;
use gatehouse::Engine;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The backends this run covers: SQLite always, PostgreSQL when `GATEHOUSE_TEST_POSTGRES_URL` is set.
pub fn backends() -> Vec<Backend> {
    let mut all = vec![Backend::Sqlite];
    if std::env::var("GATEHOUSE_TEST_POSTGRES_URL").is_ok() {
        all.push(Backend::Postgres);
    }
    all
}

/// A fresh, migrated database that removes itself when dropped.
pub struct TestDb {
    pub db: Db,
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    File(tempfile::TempDir),
    Database { admin_url: String, name: String },
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn unique_name() -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "gatehouse_test_{}_{}_{n}",
        std::process::id(),
        Utc::now().timestamp_micros()
    )
}

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite:{}", dir.path().join("test.db").display());
                let db = Db::connect(&url).await.expect("open sqlite");
                db.migrate().await.expect("migrate sqlite");
                TestDb {
                    db,
                    cleanup: Some(Cleanup::File(dir)),
                }
            }
            Backend::Postgres => {
                let admin_url = std::env::var("GATEHOUSE_TEST_POSTGRES_URL")
                    .expect("GATEHOUSE_TEST_POSTGRES_URL");
                let name = unique_name();
                let admin = Db::connect(&admin_url).await.expect("connect to postgres");
                gatehouse::on_pool!(&admin, pool => sqlx::query(&format!("CREATE DATABASE {name}")).execute(pool).await.map(|_| ()))
                    .expect("create test database");
                admin.close().await;
                let url = with_database(&admin_url, &name);
                let db = Db::connect(&url).await.expect("open test database");
                db.migrate().await.expect("migrate postgres");
                TestDb {
                    db,
                    cleanup: Some(Cleanup::Database { admin_url, name }),
                }
            }
        }
    }
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let cut = base
        .rfind('/')
        .filter(|&i| i > "postgres://".len())
        .unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..cut]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(Cleanup::Database { admin_url, name }) = self.cleanup.take() {
            // Drop runs inside the test's (blocked) runtime, so the drop uses a runtime of its own;
            // FORCE ends the pool's sessions, which belong to the test's runtime.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
                rt.block_on(async {
                    if let Ok(admin) = Db::connect(&admin_url).await {
                        let _ = gatehouse::on_pool!(&admin, pool =>
                            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(pool).await.map(|_| ()));
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// A fixed instant tests start from: 2026-11-23 15:00 UTC (10:00 in New York).
pub fn test_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0)
        .single()
        .expect("valid instant")
}

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub engine: Engine,
    pub clock: ManualClock,
    pub test_db: TestDb,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        let test_db = TestDb::new(backend).await;
        let clock = ManualClock::at(test_now());
        let engine = Engine::new(test_db.db.clone(), Arc::new(clock.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let options = server::router::leptos_options(std::path::Path::new("target/site"), addr);
        let app = server::router::router(engine.clone(), options);
        tokio::spawn(async move { axum::serve(listener, app).await });
        TestApp {
            base: format!("http://{addr}"),
            http: reqwest::Client::new(),
            engine,
            clock,
            test_db,
        }
    }

    pub async fn seed_demo(&self) -> gatehouse::demo::DemoReport {
        gatehouse::demo::seed_demo(&self.engine.db, self.engine.clock.as_ref())
            .await
            .expect("seed demo")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }
}
