//! Request budgets (PRD §8.2): what one client may ask per minute before being told to wait.
//!
//! - Booking, changing and cancelling a visit (REST and the portal's server functions) and the
//!   anonymous ticket check `POST /api/tickets/validate` share one budget per client address
//!   (`GATEHOUSE_RESERVE_RATE`): the check answers whether a code exists, so alternating
//!   endpoints must buy a code guesser nothing.
//! - Staff sign-in shares it too, so that one address cannot guess passwords across accounts
//!   faster than it could book (each account also locks after five failures).
//! - Placing and changing shop holds (`GATEHOUSE_HOLD_RATE`, per client address): a cart's
//!   holds keep stock from everyone else for minutes, so one address may not churn through
//!   carts to hold a product away from the shop. Looking a reservation up and checking out
//!   count against the reserve budget, as guessing surfaces.
//! - An operator's validate and verify: one budget per Bearer token, i.e. per staff token and
//!   device (`GATEHOUSE_VALIDATE_RATE`), so a whole crew behind one gateway is not limited as one.
//!
//! The client address is the TCP peer; `X-Forwarded-For` counts only when that peer is a trusted
//! proxy. IPv6 clients are counted per /64, the block one subscriber usually holds.
use crate::api::error::ApiError;
use crate::config::HttpLimits;
use app::booking::{Book, CancelVisit, ConfirmContact, ResendContactCode, SaveContact, SendManageLink};
use app::server::ssr::ClientAddress;
use app::shop::actions::{ShopAdd, ShopCancel, ShopCheckout, ShopSet, ShopWindow};
use app::shop::data::ShopOrder;
use app::staff::account::StaffSignIn;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gatehouse::staff::networks::subscriber as per_subscriber;
use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota};
use ipnet::IpNet;
use leptos::server_fn::ServerFn;
use std::hash::{BuildHasher, Hash, RandomState};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often keys whose budget is full again are dropped, so the maps hold only recent clients.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// The router's budgets; a rate of 0 leaves its budget out.
#[derive(Clone)]
pub struct RateLimits(Arc<Budgets>);

struct Budgets {
    reserve: Option<DefaultKeyedRateLimiter<IpAddr>>,
    validate: Option<DefaultKeyedRateLimiter<OperatorKey>>,
    hold: Option<DefaultKeyedRateLimiter<IpAddr>>,
    trusted_proxies: Vec<IpNet>,
    /// Tokens are kept as keyed hashes: a fixed size per key whatever a client sends.
    token_hasher: RandomState,
    next_sweep: Mutex<Instant>,
}

#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
enum OperatorKey {
    Token(u64),
    /// Without a token (answered 401 anyway), the client address.
    Address(IpAddr),
}

enum Budget {
    Reserve,
    Validate,
    Hold,
}

fn budget_of(path: &str) -> Option<Budget> {
    match path {
        "/api/reservations/create" | "/api/reservations/change" | "/api/reservations/cancel" => Some(Budget::Reserve),
        "/api/tickets/validate" => Some(Budget::Reserve),
        // A reservation code tried against a phone, and a checkout that spends a discount code:
        // guessing surfaces, held to the same per-address budget.
        "/api/shop/lookup" | "/api/shop/checkout" | "/shop/lookup" => Some(Budget::Reserve),
        _ if [ShopCheckout::PATH, ShopOrder::PATH, ShopCancel::PATH].contains(&path) => Some(Budget::Reserve),
        "/api/shop/cart/items" | "/api/shop/cart/window" => Some(Budget::Hold),
        _ if [ShopAdd::PATH, ShopSet::PATH, ShopWindow::PATH].contains(&path) => Some(Budget::Hold),
        "/api/operator/validate-ticket" | "/api/operator/verify-ticket" => Some(Budget::Validate),
        _ if [Book::PATH, SaveContact::PATH, CancelVisit::PATH, SendManageLink::PATH].contains(&path) => {
            Some(Budget::Reserve)
        }
        _ if [ConfirmContact::PATH, ResendContactCode::PATH].contains(&path) => Some(Budget::Reserve),
        // Password guessing across many accounts from one address: the same per-address budget.
        _ if path == StaffSignIn::PATH => Some(Budget::Reserve),
        _ => None,
    }
}

impl RateLimits {
    pub fn new(limits: &HttpLimits) -> RateLimits {
        RateLimits(Arc::new(Budgets {
            reserve: per_minute(limits.reserve_per_minute),
            validate: per_minute(limits.validate_per_minute),
            hold: per_minute(limits.hold_per_minute),
            trusted_proxies: limits.trusted_proxies.clone(),
            token_hasher: RandomState::new(),
            next_sweep: Mutex::new(Instant::now() + SWEEP_EVERY),
        }))
    }

    /// `Err` holds how long the client must wait.
    fn check(&self, request: &Request) -> Result<(), Duration> {
        let outcome = match (budget_of(request.uri().path()), &self.0.reserve, &self.0.validate, &self.0.hold) {
            (Some(Budget::Reserve), Some(limiter), _, _) => take(limiter, per_subscriber(self.client(request))),
            (Some(Budget::Validate), _, Some(limiter), _) => take(limiter, self.operator(request)),
            (Some(Budget::Hold), _, _, Some(limiter)) => take(limiter, per_subscriber(self.client(request))),
            _ => return Ok(()),
        };
        self.sweep_if_due();
        outcome
    }

    fn client(&self, request: &Request) -> IpAddr {
        // Served without `crate::serve` there is no peer: all such clients then share a budget.
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(peer)| peer.ip());
        let forwarded: Vec<&str> =
            request.headers().get_all("x-forwarded-for").iter().map(|v| v.to_str().unwrap_or("")).collect();
        client_address(peer, &forwarded, &self.0.trusted_proxies)
    }

    /// The token as the API's `Staff` extractor reads it.
    fn operator(&self, request: &Request) -> OperatorKey {
        let token = request
            .headers()
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        match token {
            Some(token) => OperatorKey::Token(self.0.token_hasher.hash_one(token)),
            None => OperatorKey::Address(per_subscriber(self.client(request))),
        }
    }

    fn sweep_if_due(&self) {
        let Ok(mut next) = self.0.next_sweep.try_lock() else { return };
        let now = Instant::now();
        if now < *next {
            return;
        }
        *next = now + SWEEP_EVERY;
        sweep(&self.0.reserve);
        sweep(&self.0.validate);
        sweep(&self.0.hold);
    }
}

/// `None` for 0: no limit.
fn per_minute<K: Hash + Eq + Clone>(requests: u32) -> Option<DefaultKeyedRateLimiter<K>> {
    NonZeroU32::new(requests).map(|n| DefaultKeyedRateLimiter::keyed(Quota::per_minute(n)))
}

fn take<K: Hash + Eq + Clone>(limiter: &DefaultKeyedRateLimiter<K>, key: K) -> Result<(), Duration> {
    limiter.check_key(&key).map_err(|not_until| not_until.wait_time_from(limiter.clock().now()))
}

fn sweep<K: Hash + Eq + Clone>(limiter: &Option<DefaultKeyedRateLimiter<K>>) {
    if let Some(limiter) = limiter {
        limiter.retain_recent();
        limiter.shrink_to_fit();
    }
}

/// The middleware: a request over its budget is answered 429 before any handler runs. Every
/// request leaves with its client's address, for the server functions that need it.
pub async fn limit(State(limits): State<RateLimits>, mut request: Request, next: Next) -> Response {
    let client = limits.client(&request);
    request.extensions_mut().insert(ClientAddress(client));
    match limits.check(&request) {
        Ok(()) => next.run(request).await,
        Err(wait) => too_many(wait),
    }
}

fn too_many(wait: Duration) -> Response {
    let seconds = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
    let mut response = ApiError::new(
        429,
        "RATE_LIMITED",
        format!("Too many requests from this client. Please try again in {seconds} s."),
    )
    .with("retry_after_seconds", seconds)
    .into_response();
    response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(seconds));
    response
}

/// The client behind `peer`: the peer itself unless it is a trusted proxy; then, reading
/// `X-Forwarded-For` from the right (each proxy appends the address it received from), the first
/// hop that is not a trusted proxy. Left of that, anyone could have written anything. A malformed
/// hop ends the walk at the last address known good.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer.to_canonical();
    let hops = forwarded_for.iter().rev().flat_map(|header| header.rsplit(','));
    for hop in hops {
        if !is_trusted(&client) {
            break;
        }
        match parse_hop(hop) {
            Some(ip) => client = ip,
            None => break,
        }
    }
    client
}

fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    let ip = hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))?;
    Some(ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::shop::data::ShopStorefront;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().expect("test network")).collect()
    }

    #[test]
    fn forwarded_for_is_ignored_when_the_peer_is_not_a_trusted_proxy() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(client_address(ip("203.0.113.9"), &["198.51.100.1"], &trusted), ip("203.0.113.9"));
        assert_eq!(client_address(ip("203.0.113.9"), &["198.51.100.1"], &[]), ip("203.0.113.9"));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8", "192.168.1.5/32"]);
        // The client forged the first entry; the outer proxy appended the real address.
        let forwarded = ["1.1.1.1, 198.51.100.7, 192.168.1.5"];
        assert_eq!(client_address(ip("10.0.0.2"), &forwarded, &trusted), ip("198.51.100.7"));
        // The same across several header lines, in order.
        let lines = ["1.1.1.1", "198.51.100.7", "192.168.1.5"];
        assert_eq!(client_address(ip("10.0.0.2"), &lines, &trusted), ip("198.51.100.7"));
    }

    #[test]
    fn a_trusted_proxy_without_forwarded_for_is_itself_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(client_address(ip("10.0.0.2"), &[], &trusted), ip("10.0.0.2"));
    }

    #[test]
    fn a_malformed_hop_stops_the_walk_at_the_last_good_address() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(client_address(ip("10.0.0.2"), &["198.51.100.7, garbage, 10.0.0.3"], &trusted), ip("10.0.0.3"));
        assert_eq!(client_address(ip("10.0.0.2"), &["203.0.113.4:5150"], &trusted), ip("203.0.113.4"));
    }

    #[test]
    fn ipv4_mapped_peers_match_ipv4_proxies() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(client_address(ip("::ffff:10.0.0.2"), &["198.51.100.7"], &trusted), ip("198.51.100.7"));
    }

    #[test]
    fn the_portals_state_changing_server_functions_share_the_reserve_budget() {
        for path in ["/sfn/book", "/sfn/save_contact", "/sfn/cancel_visit", "/api/reservations/create"] {
            assert!(matches!(budget_of(path), Some(Budget::Reserve)), "{path}");
        }
        assert!(budget_of("/sfn/booking_step").is_none());
        assert!(matches!(budget_of("/api/shop/lookup"), Some(Budget::Reserve)));
        assert!(matches!(budget_of("/api/shop/checkout"), Some(Budget::Reserve)));
        assert!(budget_of("/api/shop/products").is_none(), "browsing is not limited");
        assert!(budget_of("/shop").is_none() && budget_of(ShopStorefront::PATH).is_none());
        for path in [ShopCheckout::PATH, ShopOrder::PATH, ShopCancel::PATH, "/shop/lookup"] {
            assert!(matches!(budget_of(path), Some(Budget::Reserve)), "{path}");
        }
        for path in [ShopAdd::PATH, ShopSet::PATH, ShopWindow::PATH, "/api/shop/cart/items", "/api/shop/cart/window"] {
            assert!(matches!(budget_of(path), Some(Budget::Hold)), "{path}");
        }
        assert!(matches!(budget_of("/api/operator/verify-ticket"), Some(Budget::Validate)));
    }
}
