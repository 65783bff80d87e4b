//! Server-function errors answered the way the REST API answers its own: with the status their
//! code means (leptos answers every error 500), and — for a form posted without JavaScript,
//! whose error comes back in the address it is redirected to — sealed, so the page can trust it.
//!
//! Why a seal: the address (`?__path=…&__err=…`) can be written by anyone and sent as a link;
//! with a message in it, the page's official error box would show the sender's words. Every
//! error this server puts in an address gets a seal beside it (`__seal`, a MAC under the server's
//! secret key), and the page shows its full words ("37 places are booked…", each bad row of an
//! import). An address whose error has no valid seal is rewritten to the error's code alone,
//! which the page words itself (`app::error::AppError::for_code`).
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::Arc;

/// Errors are a few hundred bytes; anything larger is not one of ours.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The key that seals errors put in addresses. Instances behind one address share it through
/// `GATEHOUSE_SECRET_KEY`; an error sealed elsewhere reads as its code alone.
#[derive(Clone)]
pub struct Seal {
    key: Arc<[u8]>,
}

impl Seal {
    /// Derived from the server's secret key, so the key itself never signs anything else.
    pub fn new(secret: &[u8]) -> Seal {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes a key of any length");
        mac.update(b"gatehouse: seal of errors in addresses");
        Seal { key: mac.finalize().into_bytes().to_vec().into() }
    }

    /// A key that lives as long as this process (tests, one-off servers).
    pub fn ephemeral() -> Seal {
        Seal::new(&rand::random::<[u8; 32]>())
    }

    fn mac(&self, error: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes a key of any length");
        mac.update(error);
        mac
    }

    fn sign(&self, error: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.mac(error).finalize().into_bytes())
    }

    /// Compared in constant time.
    fn verifies(&self, error: &[u8], seal: &str) -> bool {
        URL_SAFE_NO_PAD.decode(seal.trim()).is_ok_and(|tag| self.mac(error).verify_slice(&tag).is_ok())
    }
}

pub async fn shape(State(seal): State<Seal>, req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/sfn/");
    if !is_server_fn && req.method() == Method::GET {
        if let Some(query) = req.uri().query().filter(|q| q.contains("__err")) {
            let safe = trusted_query(&seal, query);
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
            let safe = format!("{path}?{}", sealed_query(&seal, query));
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

fn pairs(query: &str) -> Vec<(String, String)> {
    form_urlencoded::parse(query.as_bytes()).into_owned().collect()
}

/// The error this server just put in an address, with its seal beside it (any other seal
/// dropped); reduced to its code when it is not one of ours.
fn sealed_query(seal: &Seal, query: &str) -> String {
    let pairs = pairs(query);
    let error = pairs.iter().find(|(k, _)| k == "__err").and_then(|(_, v)| URL_SAFE.decode(v.trim()).ok());
    let Some(error) = error.filter(|e| error_code(e).is_some()) else { return code_only_query(query) };
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs.iter().filter(|(k, _)| k != "__seal") {
        out.append_pair(key, value);
    }
    out.append_pair("__seal", &seal.sign(&error));
    out.finish()
}

/// The query as it is when its error carries a valid seal; otherwise with the error reduced to
/// its code.
fn trusted_query(seal: &Seal, query: &str) -> String {
    let pairs = pairs(query);
    let value = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let error = value("__err").and_then(|v| URL_SAFE.decode(v.trim()).ok());
    match (error, value("__seal")) {
        (Some(error), Some(tag)) if error_code(&error).is_some() && seal.verifies(&error, tag) => query.to_string(),
        _ => code_only_query(query),
    }
}

/// The query with `__err` reduced to `{"code": …}` and no seal; without `__err`/`__path` when it
/// is not one of ours at all.
fn code_only_query(query: &str) -> String {
    let pairs = pairs(query);
    let code = pairs
        .iter()
        .find(|(k, _)| k == "__err")
        .and_then(|(_, v)| URL_SAFE.decode(v.trim()).ok())
        .and_then(|error| error_code(&error));
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &pairs {
        match (key.as_str(), &code) {
            ("__err", Some(code)) => {
                out.append_pair("__err", &URL_SAFE.encode(serde_json::json!({ "code": code }).to_string()));
            }
            ("__err" | "__path", None) | ("__seal", _) => {}
            _ => {
                out.append_pair(key, value);
            }
        }
    }
    out.finish()
}

/// The error's code, when `error` is one of ours: JSON whose code is capitals and underscores,
/// as every code is.
fn error_code(error: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(error).ok()?;
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

    fn value(query: &str, key: &str) -> Option<String> {
        form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == key).map(|(_, v)| v.into_owned())
    }

    #[test]
    fn an_error_this_server_sealed_keeps_its_words() {
        let seal = Seal::new(b"secret");
        let error = r#"{"code":"CAPACITY_BELOW_BOOKED","message":"37 places are booked: capacity cannot be 30."}"#;
        let sealed = sealed_query(&seal, &format!("slot=4&__path=%2Fsfn%2Fx&__err={}&__seal=old", err(error)));
        assert_eq!(value(&sealed, "__err"), Some(err(error)), "the error itself is left as it was");
        assert_ne!(value(&sealed, "__seal").as_deref(), Some("old"), "a seal sent in is replaced");
        assert_eq!(trusted_query(&seal, &sealed), sealed, "a sealed error is trusted as it is");
    }

    #[test]
    fn a_changed_error_or_another_servers_seal_leaves_the_code_alone() {
        let seal = Seal::new(b"secret");
        let genuine = sealed_query(&seal, &format!("__err={}", err(r#"{"code":"SLOT_FULL","message":"Full."}"#)));
        let tag = value(&genuine, "__seal").expect("sealed");
        let changed = format!("__err={}&__seal={tag}", err(r#"{"code":"SLOT_FULL","message":"Call +1 900 now"}"#));
        for query in [changed, genuine.clone()] {
            let other = if query == genuine { Seal::new(b"another") } else { seal.clone() };
            let trusted = trusted_query(&other, &query);
            let decoded = URL_SAFE.decode(value(&trusted, "__err").expect("kept")).expect("base64");
            assert_eq!(decoded, br#"{"code":"SLOT_FULL"}"#, "{query}");
            assert_eq!(value(&trusted, "__seal"), None);
        }
    }

    #[test]
    fn an_address_with_something_else_in_err_loses_it() {
        for junk in [err(r#"{"code":"<b>hi</b>"}"#), "%%%".into(), err("[1,2]")] {
            assert_eq!(code_only_query(&format!("ticket=T&__path=%2Fsfn%2Fbook&__err={junk}")), "ticket=T");
        }
    }
}
