//! The few cookies the pages set themselves (the session cookie is tower-sessions'): read from the
//! request, set on the response, always HttpOnly and SameSite=Strict, and Secure when the site is
//! served over https.
#[cfg(feature = "ssr")]
pub mod ssr {
    use http::header::{COOKIE, SET_COOKIE};
    use http::HeaderValue;
    use leptos::prelude::use_context;

    /// Whether cookies must carry `Secure`: the server provides it from its public URL.
    #[derive(Debug, Clone, Copy)]
    pub struct SecureCookies(pub bool);

    /// The value of cookie `name` on the request being answered.
    pub fn read(name: &str) -> Option<String> {
        find(&use_context::<http::request::Parts>()?.headers, name)
    }

    /// The value of cookie `name` in `headers` (for a plain handler).
    pub fn find(headers: &http::HeaderMap, name: &str) -> Option<String> {
        let value = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|h| h.to_str().ok())
            .flat_map(|h| h.split(';'))
            .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))?;
        Some(value.to_string())
    }

    /// Sets cookie `name` for `path` for `max_age_seconds` (0 removes it).
    pub fn set(name: &str, value: &str, path: &str, max_age_seconds: u32) {
        let secure = use_context::<SecureCookies>().is_some_and(|s| s.0);
        let cookie = format!(
            "{name}={value}; Max-Age={max_age_seconds}; Path={path}; HttpOnly; SameSite=Strict{}",
            if secure { "; Secure" } else { "" }
        );
        if let (Some(res), Ok(value)) = (use_context::<leptos_axum::ResponseOptions>(), HeaderValue::from_str(&cookie))
        {
            res.append_header(SET_COOKIE, value);
        }
    }
}
