//! Security headers on every answer. Pages get a Content-Security-Policy naming this request's
//! nonce, which the Leptos render puts on its own `<script>` tags (see `provide_request_nonce`).
use super::Site;
use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};

/// Scripts: ours from /pkg ('self': the module the page's inline loader imports) and inline ones
/// only with this answer's nonce; the WASM
/// compiles under 'wasm-unsafe-eval' (no `eval` of strings). Everything else from this origin.
fn page_policy(nonce: &Nonce) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// JSON, downloads, static files: nothing in them may run or load anything if opened as a page.
const DOCUMENT_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// A script's own policy matters only where it runs as a worker (the scanner's service worker),
/// which keeps this origin's page and files: it may fetch from here, and nothing else.
const WORKER_POLICY: &str = "default-src 'self'; frame-ancestors 'none'";

/// A year, the usual value once a site is known to work over TLS.
const HSTS: &str = "max-age=31536000";

#[derive(Debug, PartialEq)]
enum Caching {
    /// Shows a ticket code, a customer's contact or a staff answer: never kept by any cache.
    NoStore,
    /// Revalidated each time, unless the handler chose otherwise (e.g. the live stream).
    NoCache,
    /// The client's files keep what `crate::assets` says.
    AsServed,
}

fn caching(path: &str) -> Caching {
    let under = |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if ["/ticket", "/tickets", "/reserve", "/api", "/sfn"].into_iter().any(under) {
        Caching::NoStore
    } else if under("/pkg") {
        Caching::AsServed
    } else {
        Caching::NoCache
    }
}

/// What the answer's headers depend on, taken from the request before it is handled.
pub(super) struct Plan {
    nonce: Nonce,
    caching: Caching,
}

/// Draws this answer's nonce and hands it to the Leptos render (through the request).
pub(super) fn plan(req: &mut Request) -> Plan {
    let nonce = Nonce::new();
    req.extensions_mut().insert(nonce.clone());
    Plan { nonce, caching: caching(req.uri().path()) }
}

pub(super) fn apply(plan: Plan, site: &Site, headers: &mut HeaderMap) {
    let content_type = headers.get(CONTENT_TYPE).and_then(|t| t.to_str().ok()).unwrap_or_default();
    let policy = if content_type.starts_with("text/html") {
        page_policy(&plan.nonce)
    } else if content_type.contains("javascript") {
        WORKER_POLICY.to_string()
    } else {
        DOCUMENT_POLICY.to_string()
    };
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(CONTENT_SECURITY_POLICY, policy);
    }
    // Older browsers know framing only by this header; CSP frame-ancestors supersedes it.
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Ticket codes travel in URLs (/ticket?code=…); no other site may learn them from a link.
    // Gatehouse's own forms keep theirs: a form posted without JavaScript and refused is sent
    // back to the page it came from, which the server knows only from the Referer.
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    match plan.caching {
        Caching::NoStore => {
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        Caching::NoCache => {
            headers.entry(CACHE_CONTROL).or_insert(HeaderValue::from_static("no-cache"));
        }
        Caching::AsServed => {}
    }
    if site.is_https() {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
}

/// Part of the Leptos context of every render: leptos_axum has provided a nonce of its own by
/// then; this replaces it with the one the CSP header of this answer names.
pub fn provide_request_nonce() {
    if let Some(nonce) = use_context::<Parts>().and_then(|parts| parts.extensions.get::<Nonce>().cloned()) {
        provide_context(nonce);
    }
}

#[cfg(test)]
mod tests {
    use super::{caching, Caching};

    #[test]
    fn pages_and_downloads_that_show_a_ticket_are_never_stored() {
        for path in [
            "/ticket",
            "/reserve",
            "/tickets/TKT-1/visit.ics",
            "/tickets/TKT-1/qr.png",
            "/tickets/TKT-1/card.png",
            "/api/tickets/X",
            "/sfn/book",
        ] {
            assert_eq!(caching(path), Caching::NoStore, "{path}");
        }
        assert_eq!(caching("/"), Caching::NoCache);
        assert_eq!(caching("/ticketing"), Caching::NoCache);
        assert_eq!(caching("/pkg/gatehouse.wasm"), Caching::AsServed);
    }
}
