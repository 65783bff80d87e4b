//! What every answer carries (security headers, caching rules, a body that explains an error) and
//! what the server refuses whatever the route: cross-site calls to server functions, oversized
//! server-function bodies and request heads, malformed staff credentials.
use crate::support::TestApp;
use gatehouse::ids::TicketId;
use reqwest::header::HeaderMap;
use reqwest::Response;

mod answers;
mod credentials;
mod cross_site;
mod failures;
mod limits;
mod routers;

const EVIL: &str = "http://evil.example";

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("<absent>")
}

fn assert_security_headers(what: &str, headers: &HeaderMap) {
    let csp = header(headers, "content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: CSP {csp}");
    assert_eq!(header(headers, "x-frame-options"), "DENY", "{what}");
    assert_eq!(header(headers, "x-content-type-options"), "nosniff", "{what}");
    assert_eq!(header(headers, "referrer-policy"), "same-origin", "{what}");
    assert!(headers.get("strict-transport-security").is_none(), "{what}: HSTS over plain HTTP");
}

impl TestApp {
    /// A client that shows redirects instead of following them.
    fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
    }

    /// A form post to a server function as a browser sends it, from `origin` (None: like curl).
    async fn form_post(&self, path: &str, origin: Option<&str>, fields: &[(&str, &str)]) -> Response {
        let mut req = self.browser().post(format!("{}{path}", self.base)).header("accept", "text/html").form(fields);
        if let Some(origin) = origin {
            let site = if origin == self.base { "same-origin" } else { "cross-site" };
            req = req.header("origin", origin).header("sec-fetch-site", site);
        }
        req.send().await.expect("request")
    }

    async fn has_contact(&self, ticket_id: TicketId) -> bool {
        self.scalar("SELECT COUNT(*) FROM tickets WHERE id = $1 AND customer_email IS NOT NULL", ticket_id).await == 1
    }

    /// That `res`, a post saving ticket `id`'s contact, was accepted and saved it.
    async fn assert_contact_saved(&self, res: Response, id: TicketId) {
        assert!(res.status().as_u16() < 400, "{}", res.status());
        assert!(self.has_contact(id).await, "accepted, yet not saved");
    }
}

fn contact(code: &str) -> [(&str, &str); 4] {
    [("ticket", code), ("email", "john@example.com"), ("phone", "+1 202 555 1234"), ("country", "")]
}
