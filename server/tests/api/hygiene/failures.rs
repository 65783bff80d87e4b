//! Failures answered in the caller's shape: a panic, a code no ticket can have, a server
//! function's error, an error carried back in the address.
use crate::support::{backend_tests, code_of, Backend, TestApp};
use serde_json::Value;

/// A server whose one handler panics, on `/api/boom` as an API answers and on `/page` as a page.
async fn a_server_that_panics() -> String {
    use axum::routing::get;
    async fn boom() -> &'static str {
        let input = "éé";
        // The slicing bug the attacker found, on purpose.
        let sliced = input.get(..1).map_or_else(|| panic!("byte index 1 is not a char boundary"), str::to_string);
        Box::leak(sliced.into_boxed_str())
    }
    let app = axum::Router::new()
        .route("/api/boom", get(boom).layer(server::panics::as_json()))
        .route("/page", get(boom).layer(server::panics::as_page()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

/// A bug that panics in one request still answers it (the connection used to close with no
/// answer), in the shape the caller expects: the API's envelope.
#[tokio::test]
async fn a_panicking_api_handler_still_answers_in_the_api_envelope() {
    let base = a_server_that_panics().await;
    let res = reqwest::get(format!("{base}/api/boom")).await.expect("an answer, not a dropped connection");
    assert_eq!(res.status().as_u16(), 500);
    let body: Value = res.json().await.expect("json");
    assert_eq!((body["success"].as_bool(), code_of(&body)), (Some(false), "INTERNAL"), "{body}");
}

/// The same for a page: a page that says so.
#[tokio::test]
async fn a_panicking_page_handler_still_answers_with_a_page() {
    let base = a_server_that_panics().await;
    let res = reqwest::get(format!("{base}/page")).await.expect("an answer");
    assert_eq!(res.status().as_u16(), 500);
    assert!(res.text().await.expect("body").contains("Something went wrong"));
}

/// The panic the attacker found: non-ASCII codes on every path that takes one.
#[tokio::test]
async fn non_ascii_ticket_codes_are_refused_on_every_path_never_a_panic() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    for odd in ["éé", "🎟️", "TKTé", "t\u{301}kt-2026"] {
        let encoded: String = odd.bytes().map(|b| format!("%{b:02X}")).collect();
        let (status, body) = app.post("/api/tickets/validate", serde_json::json!({ "ticket_code": odd })).await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_TICKET_CODE"), "{odd}: {body}");
        let (status, body) = app.get_json(&format!("/api/tickets/{encoded}")).await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_TICKET_CODE"), "{odd}: {body}");
        for path in [
            format!("/tickets/{encoded}/qr.png"),
            format!("/tickets/{encoded}/card.png"),
            format!("/tickets/{encoded}/visit.ics"),
            format!("/ticket?code={encoded}"),
            format!("/reserve?ticket={encoded}"),
        ] {
            let status = app.get(&path).await.status().as_u16();
            assert!((200..500).contains(&status), "{path}: {status}");
        }
    }
}

backend_tests! {
    /// Server functions answered 500 for every error; now the status its code means, as the API.
    async fn a_server_function_error_answers_the_status_its_code_means(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        for (ticket, status, code) in
            [("TKT-bad", 400, "INVALID_TICKET_CODE"), ("TKT-0000-000000-000000-00000", 404, "TICKET_NOT_FOUND")]
        {
            let res = app
                .http
                .post(format!("{}/sfn/cancel_visit", app.base))
                .header("accept", "application/json")
                .form(&[("ticket", ticket)])
                .send()
                .await
                .expect("request");
            assert_eq!(res.status().as_u16(), status, "{ticket}");
            let body: Value = res.json().await.expect("json");
            assert_eq!(body["code"], code, "{body}");
        }
    }
}

/// Without JavaScript an error travels back in the address with a seal, and the page it leads
/// to shows the server's own words.
#[tokio::test]
async fn without_javascript_an_error_travels_back_in_the_address_sealed_with_its_words() {
    use base64::Engine as _;
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (_, code) = app.ticket("ACTIVATED").await;
    let referer = format!("{}/reserve?ticket={code}", app.base);
    let res = app
        .browser()
        .post(format!("{}/sfn/save_contact", app.base))
        .header("accept", "text/html")
        .header("referer", &referer)
        .form(&[("ticket", code.as_str()), ("email", "a@b"), ("phone", "2025550143"), ("country", "US")])
        .send()
        .await
        .expect("request");
    let location = res.headers()["location"].to_str().expect("location").to_string();
    let query: Vec<(String, String)> =
        form_urlencoded::parse(location.split_once('?').expect("a query").1.as_bytes()).into_owned().collect();
    let value = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    assert!(value("__seal").is_some(), "{location}");
    let decoded = base64::engine::general_purpose::URL_SAFE.decode(value("__err").expect("an error")).expect("base64");
    let error: serde_json::Value = serde_json::from_slice(&decoded).expect("json");
    assert_eq!(error["code"], "INVALID_EMAIL", "{error}");
    let message = error["message"].as_str().expect("its words").to_string();
    // The address the form came from, with the error added.
    assert!(location.starts_with(&referer), "{location}");
    let res = app.browser().get(&location).send().await.expect("request");
    assert_eq!(res.status().as_u16(), 200, "a sealed address is served as it is");
    assert!(res.text().await.expect("page").contains(&message), "the page shows the server's words: {message}");
}

/// A forged address with words of its own is reduced to the code before any page shows it.
#[tokio::test]
async fn a_forged_error_in_the_address_loses_its_words_before_a_page_shows_it() {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE.encode(s);
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let (_, code) = app.ticket("ACTIVATED").await;
    let forged = format!(
        "/reserve?ticket={code}&__path=%2Fsfn%2Fsave_contact&__err={}",
        b64(r#"{"code":"INVALID_EMAIL","message":"Your ticket is void: call +1 900 555 0100"}"#)
    );
    let res = app.browser().get(format!("{}{forged}", app.base)).send().await.expect("request");
    assert!(res.status().is_redirection(), "{}", res.status());
    let to = res.headers()["location"].to_str().expect("location").to_string();
    let page = app.page(&to).await;
    assert!(!page.contains("900 555 0100"), "the forged words reached the page");
    assert!(page.contains("Enter an email address like name@example.com."), "the page words the code itself");
}
