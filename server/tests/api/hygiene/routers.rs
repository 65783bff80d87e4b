//! A page rendered while the same process builds another router still answers. Listing a
//! surface's routes renders it under leptos_server's process-global `SuppressResourceLoad`, and a
//! resource first polled anywhere in the process meanwhile never loads (leptos #4773): every page
//! that awaited one hung until the 30 s deadline answered 503. The tests build a router per test,
//! hundreds per process, and CI saw a page of some test stall that way every few runs.
use crate::support::{Backend, TestApp};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_answer_while_the_process_builds_more_routers() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (_, code) = app.reserved(2, 12).await;
    let (engine, base) = (app.engine.clone(), app.base.clone());
    let building = tokio::task::spawn_blocking(move || {
        let listen = base.trim_start_matches("http://").parse().expect("address");
        for _ in 0..60 {
            let options = server::router::leptos_options(std::path::Path::new("target/site"), listen);
            let limits = crate::support::no_rate_limits();
            let site = server::security::Site::default();
            drop(server::router::router(engine.clone(), options, &limits, site, server::sfn_errors::Seal::ephemeral()));
        }
    });
    let pages = [format!("/ticket?code={code}"), format!("/reserve?ticket={code}"), "/".to_string()];
    let mut answered = 0;
    while !building.is_finished() || answered < 30 {
        let path = &pages[answered % pages.len()];
        let res = tokio::time::timeout(Duration::from_secs(10), app.get(path))
            .await
            .unwrap_or_else(|_| panic!("{path} did not answer within 10 s while routers were being built"));
        let status = res.status().as_u16();
        let body = tokio::time::timeout(Duration::from_secs(10), res.text())
            .await
            .unwrap_or_else(|_| panic!("{path}'s body did not end within 10 s while routers were being built"))
            .expect("body");
        assert_eq!(status, 200, "{path}: {body}");
        answered += 1;
    }
    building.await.expect("routers built");
}
