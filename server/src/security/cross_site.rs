//! A page on another site can make a visitor's browser post a form to the server functions
//! (cross-site request forgery: a booking or cancellation the visitor never asked for, sent with
//! whatever cookies the browser holds for Gatehouse). Such posts are refused. The REST API stays
//! open to other origins: it authenticates by a Bearer token, which a browser never attaches by
//! itself, and uses no cookies.
use super::Site;
use crate::api::BODY_LIMIT;
use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, HOST, ORIGIN};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// A scanner's offline sync carries up to `MAX_SYNC_BATCH` (200) scans of a signed payload (142
/// characters) and a nonce (up to 64): about 53 KiB of JSON at most.
const SYNC_BODY_LIMIT: usize = 64 * 1024;

/// The request back when it may go on to its handler (a server function's body read into memory,
/// at most 16 KiB, 64 KiB for a scanner's sync), or the answer refusing it.
pub(super) async fn check(site: &Site, req: Request) -> Result<Request, Response> {
    if !req.uri().path().starts_with("/sfn/") {
        return Ok(req);
    }
    if changes_state(req.method()) && is_cross_site(&req, site) {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "CROSS_SITE_REQUEST",
            "This form was sent from another website. Open Gatehouse itself and try again.",
        ));
    }
    // The REST API's bound: server function arguments are a few short fields too.
    let limit = if req.uri().path() == "/sfn/door_sync" { SYNC_BODY_LIMIT } else { BODY_LIMIT };
    let too_large = || {
        let message = format!("The request body is larger than Gatehouse accepts ({} KiB).", limit / 1024);
        refuse(StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE", &message)
    };
    let declared = req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(too_large());
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => Ok(Request::from_parts(parts, Body::from(bytes))),
        // Past the limit without a Content-Length (chunked); a broken upload has no one to answer.
        Err(_) => Err(too_large()),
    }
}

fn changes_state(method: &Method) -> bool {
    [Method::POST, Method::PUT, Method::PATCH, Method::DELETE].contains(method)
}

/// Browsers send `Sec-Fetch-Site` on every request, and it is the signal to trust: under
/// a stricter `Referrer-Policy` a same-origin form post can carry `Origin: null`. Only without it
/// (an older browser) is `Origin` compared; a client that sends neither (curl) is no browser being
/// abused and passes.
fn is_cross_site(req: &Request, site: &Site) -> bool {
    let headers = req.headers();
    if let Some(fetch_site) = headers.get("sec-fetch-site") {
        // "same-site" is another origin on the same registrable domain: refused as well.
        return !(fetch_site.as_bytes().eq_ignore_ascii_case(b"same-origin") || fetch_site.as_bytes() == b"none");
    }
    let Some(origin) = headers.get(ORIGIN) else { return false };
    let Ok(origin) = origin.to_str() else { return true };
    let host = headers.get(HOST).and_then(|h| h.to_str().ok()).or_else(|| req.uri().authority().map(|a| a.as_str()));
    !is_own_origin(origin, host, site)
}

/// The request's own `Host` (the scheme is the proxy's business), or the configured public URL.
fn is_own_origin(origin: &str, host: Option<&str>, site: &Site) -> bool {
    let origin = origin.trim().to_ascii_lowercase();
    if site.public_origin.as_deref() == Some(origin.as_str()) {
        return true;
    }
    let authority = origin.split_once("://").map(|(_, authority)| authority);
    matches!((authority, host), (Some(a), Some(h)) if !a.is_empty() && a.eq_ignore_ascii_case(h.trim()))
}

/// In the server functions' own error shape, so a hydrated page shows the message.
fn refuse(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(AppError::new(code, message))).into_response()
}

#[cfg(test)]
mod tests {
    use super::{is_own_origin, Site};

    #[test]
    fn an_origin_is_our_own_when_it_names_the_host_the_request_was_sent_to() {
        let direct = Site::default();
        assert!(is_own_origin("http://127.0.0.1:3000", Some("127.0.0.1:3000"), &direct));
        assert!(is_own_origin("http://Gate.Example", Some("gate.example"), &direct));
        assert!(!is_own_origin("http://evil.example", Some("127.0.0.1:3000"), &direct));
        assert!(!is_own_origin("http://127.0.0.1:3001", Some("127.0.0.1:3000"), &direct));
        assert!(!is_own_origin("null", Some("127.0.0.1:3000"), &direct));
        assert!(!is_own_origin("http://127.0.0.1:3000", None, &direct));
    }

    #[test]
    fn behind_a_proxy_the_public_url_is_our_own_origin_too() {
        let proxied = Site::new(Some("https://tickets.example.org/"), false);
        assert!(is_own_origin("https://tickets.example.org", Some("127.0.0.1:3000"), &proxied));
        assert!(!is_own_origin("https://evil.example", Some("127.0.0.1:3000"), &proxied));
    }
}
