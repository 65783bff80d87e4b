//! axum answers a wrong method with an empty 405; these get a body that says what went wrong: the
//! API's JSON envelope under /api, a line of text elsewhere. Over-long URLs and header blocks are
//! refused here too, with a body, below hyper's own limits (a URL over 64 KiB, more than 100
//! headers or about 400 KiB of them): past those hyper answers 414/431 itself, empty, before any
//! of this code sees the request.
use crate::api::error::ApiError;
use axum::body::HttpBody as _;
use axum::extract::Request;
use axum::http::header::{ALLOW, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// Gatehouse's URLs are short; a browser never sends one this long.
const MAX_URI_BYTES: usize = 8 * 1024;
/// Gatehouse sets no large cookies; real browsers send a few KiB of headers at most.
const MAX_HEADER_BYTES: usize = 32 * 1024;

fn explanation(status: StatusCode) -> Option<(&'static str, &'static str)> {
    Some(match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            ("METHOD_NOT_ALLOWED", "This address does not accept that method; the Allow header lists those it does.")
        }
        StatusCode::URI_TOO_LONG => ("URI_TOO_LONG", "The address is longer than Gatehouse accepts (8 KiB)."),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
            ("HEADERS_TOO_LARGE", "The request headers are larger than Gatehouse accepts (32 KiB).")
        }
        _ => return None,
    })
}

fn header_bytes(headers: &HeaderMap) -> usize {
    // "name: value\r\n"
    headers.iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum()
}

/// A request line or header block over Gatehouse's own bounds.
pub(super) fn oversized_head(req: &Request) -> Option<StatusCode> {
    if req.uri().path_and_query().map_or(0, |p| p.as_str().len()) > MAX_URI_BYTES {
        Some(StatusCode::URI_TOO_LONG)
    } else if header_bytes(req.headers()) > MAX_HEADER_BYTES {
        Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
    } else {
        None
    }
}

/// Gives an empty 405 / 414 / 431 a body, keeping its `Allow` header.
pub(super) fn explain(is_api: bool, res: Response) -> Response {
    let Some((code, message)) = explanation(res.status()) else { return res };
    if res.body().size_hint().exact() != Some(0) {
        return res;
    }
    let mut explained = if is_api {
        ApiError::new(res.status().as_u16(), code, message).into_response()
    } else {
        (res.status(), [(CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
    };
    if let Some(allow) = res.headers().get(ALLOW) {
        explained.headers_mut().insert(ALLOW, allow.clone());
    }
    explained
}
