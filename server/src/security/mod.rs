//! What every answer carries and every request must respect, whatever route serves it: the
//! security headers (with the page's script nonce), the refusal of cross-site calls to server
//! functions, and bodies for the error answers axum leaves empty.
mod bare_errors;
mod cross_site;
mod headers;

pub use headers::provide_request_nonce;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// How browsers reach this server: directly, over plain HTTP or HTTPS served here, or through a
/// proxy at a public URL. The one place that decides whether they reach it over TLS.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Site {
    /// `scheme://host[:port]` of `GATEHOUSE_PUBLIC_URL`, when set.
    public_origin: Option<String>,
    /// Gatehouse itself serves HTTPS (`crate::tls`).
    serves_tls: bool,
}

impl Site {
    /// `public_url` is `GATEHOUSE_PUBLIC_URL` (e.g. `https://tickets.example.org`).
    pub fn new(public_url: Option<&str>, serves_tls: bool) -> Site {
        let public_origin = public_url.map(str::trim).filter(|u| !u.is_empty()).map(|url| {
            let authority_end = url.find("://").map_or(0, |i| i + 3);
            let end = url[authority_end..].find('/').map_or(url.len(), |i| authority_end + i);
            url[..end].to_ascii_lowercase()
        });
        Site { public_origin, serves_tls }
    }

    /// Browsers reach the server over TLS: session cookies are then `Secure`, and the server may
    /// ask browsers to insist on TLS (Strict-Transport-Security).
    pub fn is_https(&self) -> bool {
        self.serves_tls || self.public_origin.as_deref().is_some_and(|o| o.starts_with("https://"))
    }
}

/// Layered outermost on the whole router, so it sees every answer, refusals and 404s included.
pub async fn guard(State(site): State<Site>, mut req: Request, next: Next) -> Response {
    let plan = headers::plan(&mut req);
    let is_api = req.uri().path() == "/api" || req.uri().path().starts_with("/api/");
    let res = match admit(&site, req).await {
        Ok(req) => next.run(req).await,
        Err(refusal) => refusal,
    };
    let mut res = bare_errors::explain(is_api, res);
    headers::apply(plan, &site, res.headers_mut());
    res
}

async fn admit(site: &Site, req: Request) -> Result<Request, Response> {
    if let Some(status) = bare_errors::oversized_head(&req) {
        return Err(status.into_response());
    }
    cross_site::check(site, req).await
}

#[cfg(test)]
mod tests {
    use super::Site;

    #[test]
    fn only_an_https_public_url_or_tls_served_here_is_https() {
        assert!(Site::new(Some("https://Tickets.example.org/gate/"), false).is_https());
        assert!(!Site::new(Some("http://tickets.example.org"), false).is_https());
        assert!(!Site::new(Some("  "), false).is_https());
        assert!(!Site::new(None, false).is_https());
        assert!(Site::new(None, true).is_https());
    }

    #[test]
    fn the_public_origin_is_the_urls_scheme_and_authority() {
        let site = Site::new(Some("https://Tickets.example.org:8443/gate/"), false);
        assert_eq!(site.public_origin.as_deref(), Some("https://tickets.example.org:8443"));
    }
}
