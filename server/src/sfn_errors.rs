//! Server-function errors answered the way the REST API answers its own: with the status their
//! code means (leptos answers every error 500), and — for a form posted without JavaScript,
//! whose error comes back in the address it is redirected to — as a code alone.
//!
//! Why the code alone: the address (`?__path=…&__err=…`) can be written by anyone and sent as
//! a link; with a message in it, the page's official error box would show the sender's words.
//! Every address that carries an error is rewritten here to its code, which the page words
//! itself (`app::error::AppError::for_code`).
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::engine::general_purpose::URL_SAFE;
use base64::Engine as _;

/// Errors are a few hundred bytes; anything larger is not one of ours.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

pub async fn shape(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/sfn/");
    if !is_server_fn && req.method() == Method::GET {
        if let Some(query) = req.uri().query().filter(|q| q.contains("__err")) {
            let safe = code_only_query(query);
            if safe != query {
                let path = req.uri().path();
                let to = if safe.is_empty() { path.to_string() } else { format!("{path}?{safe}") };
                return Redirect::to(&to).into_response();
            }
        }
    }
    let res = next.run(req).await;
    if !is_server_fn {
        return res;
    }
    if let Some(location) = res.headers().get(LOCATION).and_then(|l| l.to_str().ok()) {
        if location.contains("__err") {
            let (path, query) = location.split_once('?').unwrap_or((location, ""));
            let safe = format!("{path}?{}", code_only_query(query));
            let mut res = res;
            if let Ok(value) = HeaderValue::from_str(&safe) {
                res.headers_mut().insert(LOCATION, value);
            }
            return res;
        }
    }
    if res.headers().contains_key("serverfnerror") {
        return with_its_status(res).await;
    }
    res
}

/// The query with `__err` reduced to `{"code": …}`; without `__err`/`__path` when it is not one
/// of ours at all.
fn code_only_query(query: &str) -> String {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let code = pairs.iter().find(|(k, _)| k == "__err").and_then(|(_, v)| error_code(v));
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        match (key.as_str(), &code) {
            ("__err", Some(code)) => {
                out.append_pair("__err", &URL_SAFE.encode(serde_json::json!({ "code": code }).to_string()));
            }
            ("__err" | "__path", None) => {}
            _ => {
                out.append_pair(key, value);
            }
        }
    }
    out.finish()
}

/// The error's code, when `encoded` is one: capitals and underscores, as every code is.
fn error_code(encoded: &str) -> Option<String> {
    let bytes = URL_SAFE.decode(encoded.trim()).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let code = value.get("code")?.as_str()?;
    let plausible = !code.is_empty() && code.len() <= 40 && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_');
    plausible.then(|| code.to_string())
}

/// A JSON error answer (a hydrated page's call) with the status its body names.
async fn with_its_status(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ERROR_BODY_LIMIT).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let status = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("status")?.as_u64())
        .and_then(|s| StatusCode::from_u16(u16::try_from(s).ok()?).ok())
        .filter(|s| s.is_client_error() || s.is_server_error());
    if let Some(status) = status {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        URL_SAFE.encode(json)
    }

    #[test]
    fn an_address_keeps_the_errors_code_and_loses_its_words() {
        let query = format!(
            "ticket=TKT-1&__path=%2Fsfn%2Fbook&__err={}",
            err(r#"{"code":"SLOT_FULL","message":"Call +1 900 now"}"#)
        );
        let safe = code_only_query(&query);
        assert!(safe.starts_with("ticket=TKT-1&__path=%2Fsfn%2Fbook&__err="), "{safe}");
        let kept: Vec<(String, String)> = form_urlencoded::parse(safe.as_bytes()).into_owned().collect();
        let decoded = URL_SAFE.decode(&kept[2].1).expect("base64");
        assert_eq!(String::from_utf8(decoded).expect("utf8"), r#"{"code":"SLOT_FULL"}"#);
        assert_eq!(code_only_query(&safe), safe, "a code-only address is left as it is");
    }

    #[test]
    fn an_address_with_something_else_in_err_loses_it() {
        for junk in [err(r#"{"code":"<b>hi</b>"}"#), "%%%".into(), err("[1,2]")] {
            assert_eq!(code_only_query(&format!("ticket=T&__path=%2Fsfn%2Fbook&__err={junk}")), "ticket=T");
        }
    }
}
