//! The skeleton every feature lands in: health, server-rendered pages, demo data, both engines.
use crate::support::{backend_tests, postgres_url_or_skip, Backend, TestApp};

backend_tests! {
    async fn health_answers_ok_while_the_database_is_reachable(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 200);
    }
}

backend_tests! {
    async fn health_answers_503_once_the_database_is_gone(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.engine.db.close().await;
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 503);
    }
}

/// The start page of a server with the demo loaded.
async fn start_page(app: &TestApp) -> String {
    app.seed_demo().await;
    app.page("/").await
}

backend_tests! {
    async fn the_start_page_is_rendered_on_the_server_with_the_venue_and_the_hydration_script(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let html = start_page(&app).await;
        assert!(html.contains("Harbor Museum of Light"), "venue name missing");
        assert!(html.contains("/pkg/portal.js"), "the portal's hydration script missing");
    }
}

backend_tests! {
    async fn the_start_page_shows_the_places_left_on_a_day(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let html = start_page(&app).await;
        assert!(html.contains("700 places left"), "the day with 100 of 800 places booked is not shown");
    }
}

#[tokio::test]
async fn an_unknown_page_answers_404_with_a_way_back() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let response = app.get("/no-such-page").await;
    assert_eq!(response.status(), 404);
    assert!(response.text().await.expect("body").contains("Go to the start page"));
}

backend_tests! {
    async fn seeding_the_demo_creates_its_slots_and_staff_credentials(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        let first = app.seed_demo().await;
        assert!(first.new_credentials.is_some());
        assert_eq!(first.slots_created, 97 * 4, "7 days back and 90 ahead, 4 slots a day");
    }
}

backend_tests! {
    async fn seeding_the_demo_twice_creates_nothing_twice(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.seed_demo().await;
        let counts = || async {
            gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as::<_, (i64, i64, i64, i64)>(
                "SELECT (SELECT COUNT(*) FROM organizations), (SELECT COUNT(*) FROM reservation_slots),
                        (SELECT COUNT(*) FROM tickets), (SELECT COUNT(*) FROM users)")
                .fetch_one(pool).await)
            .expect("counts")
        };
        let before = counts().await;
        let second = app.seed_demo().await;
        assert!(second.new_credentials.is_none());
        assert_eq!(second.slots_created, 0);
        assert_eq!(counts().await, before);
    }
}

backend_tests! {
    async fn the_demo_has_tickets_in_every_state(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.seed_demo().await;
        let by_status: Vec<(String, i64)> = gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as(
            "SELECT status, COUNT(*) FROM tickets GROUP BY status ORDER BY status").fetch_all(pool).await)
        .expect("q");
        let names: Vec<&str> = by_status.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(names, ["ACTIVATED", "EXPIRED", "PENDING_PAYMENT", "RESERVED", "VERIFIED"]);
    }
}

backend_tests! {
    async fn the_demos_slot_counters_match_its_reservations(backend: Backend) {
        let app = TestApp::spawn(backend).await;
        app.seed_demo().await;
        let mismatched: (i64,) = gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as(
            "SELECT COUNT(*) FROM reservation_slots s WHERE s.booked_count <> (
                 SELECT COUNT(*) FROM ticket_reservations r WHERE r.slot_id = s.id AND r.status <> 'CANCELLED')")
            .fetch_one(pool).await)
        .expect("q");
        assert_eq!(mismatched.0, 0);
    }
}

/// The ticket page for `code`, as the demo server renders it.
async fn ticket_page(code: &str) -> String {
    TestApp::with_demo(Backend::Sqlite).await.page(&format!("/ticket?code={code}")).await
}

#[tokio::test]
async fn a_ticket_code_with_a_typo_is_refused_before_any_lookup() {
    let html = ticket_page("TKT-0000-000000-000000-00001").await;
    assert!(html.contains("This code has a typo"), "{html}");
}

#[tokio::test]
async fn a_well_formed_code_of_no_ticket_is_answered_as_invalid() {
    let html = ticket_page("TKT-0000-000000-000000-00000").await;
    assert!(html.contains("Invalid ticket code. Please check and try again."), "{html}");
}

/// The README's PostgreSQL line names a database that a fresh server does not have yet.
#[tokio::test]
async fn a_postgres_database_named_in_the_url_is_created_when_missing() {
    let Some(admin_url) =
        postgres_url_or_skip(concat!(module_path!(), "::a_postgres_database_named_in_the_url_is_created_when_missing"))
    else {
        return;
    };
    let name = format!("gatehouse_missing_{}", std::process::id());
    let url = gatehouse::store::with_database(&admin_url, &name);
    let db = gatehouse::store::Db::connect(&url).await.expect("connect creates the database");
    db.migrate().await.expect("migrate the new database");
    assert!(db.is_reachable().await);
    db.close().await;
    let again = gatehouse::store::Db::connect(&url).await.expect("connect to it again");
    again.close().await;
    let admin = gatehouse::store::Db::connect(&admin_url).await.expect("admin");
    gatehouse::on_pool!(&admin, pool => sqlx::query(&format!("DROP DATABASE {name}")).execute(pool).await.map(|_| ()))
        .expect("drop the database");
}

/// A server keeps its PostgreSQL connections open while idle: the first rush does not open them.
#[tokio::test]
async fn a_server_keeps_its_postgres_connections_open_while_idle() {
    let Some(admin_url) =
        postgres_url_or_skip(concat!(module_path!(), "::a_server_keeps_its_postgres_connections_open_while_idle"))
    else {
        return;
    };
    let db = gatehouse::store::Db::connect_keeping(&admin_url, 4).await.expect("connect");
    let gatehouse::store::Db::Postgres(pool) = &db else { unreachable!("a postgres: address") };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while pool.size() < 4 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(pool.size() >= 4, "{} connections open after 10 s", pool.size());
    assert!(pool.num_idle() >= 3, "kept while idle: {} idle", pool.num_idle());
    db.close().await;
    let lazy = gatehouse::store::Db::connect(&admin_url).await.expect("connect");
    let gatehouse::store::Db::Postgres(pool) = &lazy else { unreachable!("a postgres: address") };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(pool.size(), 1, "tests and tools open connections as they need them");
    lazy.close().await;
}
