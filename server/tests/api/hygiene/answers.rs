//! What every kind of answer carries: security headers, its caching rule, its CSP and nonce.
use super::{assert_security_headers, header};
use crate::support::{backend_tests, Backend, TestApp};
use reqwest::header::HeaderMap;
use reqwest::Response;

/// The `'nonce-…'` source of a page's Content-Security-Policy.
fn csp_nonce(res: &Response) -> String {
    let csp = header(res.headers(), "content-security-policy");
    let start = csp.find("'nonce-").map(|i| i + "'nonce-".len()).unwrap_or_else(|| panic!("no nonce in {csp}"));
    csp[start..].split('\'').next().unwrap_or_default().to_string()
}

/// One answer of a kind the server gives, and the caching rule it must carry.
struct Answer {
    what: &'static str,
    cache: &'static str,
    headers: HeaderMap,
}

/// One answer of every kind: pages, downloads, API answers and errors, the health check.
async fn every_kind_of_answer(app: &TestApp) -> Vec<Answer> {
    let (_, code) = app.reserved(2, 12).await;
    let kinds = [
        ("home page", "/".to_string(), 200, "no-cache"),
        ("ticket page", format!("/ticket?code={code}"), 200, "no-store"),
        ("booking page", format!("/reserve?ticket={code}"), 200, "no-store"),
        ("QR code download", format!("/tickets/{code}/qr.png"), 200, "no-store"),
        ("ticket card download", format!("/tickets/{code}/card.png"), 200, "no-store"),
        ("calendar download", format!("/tickets/{code}/visit.ics"), 200, "no-store"),
        ("API answer", "/api/reservation-slots/available?date=2026-11-25".to_string(), 0, "no-store"),
        ("API error", "/api/no-such-endpoint".to_string(), 404, "no-store"),
        ("not found page", "/no-such-page".to_string(), 404, "no-cache"),
        ("health check", "/healthz".to_string(), 200, "no-cache"),
    ];
    let mut answers = Vec::new();
    for (what, path, status, cache) in kinds {
        let res = app.get(&path).await;
        let (got, headers) = (res.status().as_u16(), res.headers().clone());
        if status != 0 && got != status {
            let body = res.text().await.unwrap_or_default();
            panic!("{what} answered {got}, not {status}: {body}");
        }
        answers.push(Answer { what, cache, headers });
    }
    answers
}

backend_tests! {
    async fn every_kind_of_answer_carries_the_security_headers(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        for Answer { what, headers, .. } in every_kind_of_answer(&app).await {
            assert_security_headers(what, &headers);
        }
    }
}

backend_tests! {
    async fn every_kind_of_answer_carries_its_caching_rule(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        for Answer { what, cache, headers } in every_kind_of_answer(&app).await {
            assert_eq!(header(&headers, "cache-control"), cache, "{what}");
        }
    }
}

backend_tests! {
    async fn pages_allow_their_own_scripts_and_other_answers_allow_nothing(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        for Answer { what, headers, .. } in every_kind_of_answer(&app).await {
            let is_page = header(&headers, "content-type").starts_with("text/html");
            let csp = header(&headers, "content-security-policy");
            if is_page {
                assert!(csp.contains("script-src 'self' 'nonce-"), "{what}: {csp}");
                assert!(csp.contains("'wasm-unsafe-eval'"), "{what}: {csp}");
                for directive in ["default-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"] {
                    assert!(csp.contains(directive), "{what}: {directive} missing from {csp}");
                }
            } else {
                assert!(csp.starts_with("default-src 'none'"), "{what}: {csp}");
            }
        }
    }
}

/// Three pages: the path, the nonce its CSP names, and its HTML.
async fn pages_with_their_nonce(app: &TestApp) -> Vec<(&'static str, String, String)> {
    let mut pages = Vec::new();
    for path in ["/", "/reserve?ticket=TKT-NOPE", "/no-such-page"] {
        let res = app.get(path).await;
        let nonce = csp_nonce(&res);
        pages.push((path, nonce, res.text().await.expect("page")));
    }
    pages
}

#[tokio::test]
async fn every_page_script_carries_the_csp_nonce() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    for (path, nonce, html) in pages_with_their_nonce(&app).await {
        let scripts: Vec<&str> =
            html.split("<script").skip(1).map(|s| s.split('>').next().unwrap_or_default()).collect();
        // The missing page is served whole, with no client to load; the others load theirs.
        let hydrated = scripts.iter().any(|s| s.contains("type=\"module\""));
        assert_eq!(hydrated, path != "/no-such-page", "{path}: hydration script in {html}");
        for tag in scripts {
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")), "{path}: <script{tag}> lacks the nonce {nonce}");
        }
    }
}

#[tokio::test]
async fn every_answer_draws_a_new_csp_nonce() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let mut nonces: Vec<String> = pages_with_their_nonce(&app).await.into_iter().map(|(_, nonce, _)| nonce).collect();
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "every answer draws a new nonce: {nonces:?}");
}
