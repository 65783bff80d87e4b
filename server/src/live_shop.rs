//! Live stock for the shop's page: an open catalogue holds a server-sent-events stream and gets
//! every product's availability again whenever the shop's stock or holds change (a cart holding
//! or letting go, an order placed, cancelled or not collected), from any instance.
//!
//! Availability is the asking cart's (its own hold is not taken from what it sees), so the
//! stream reads the cart cookie the page's request carries.
use crate::api::error::ApiError;
use crate::api::extract::ApiQuery;
use crate::live::Pacer;
use crate::state::AppState;
use app::shop::data::ProductStock;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use gatehouse::events::{Change, StreamGuard};
use gatehouse::ids::OrgId;
use gatehouse::shop::{catalogue, CartId};
use gatehouse::Engine;
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;

/// Read again after this long without a change, for what no event announces: holds running
/// out as time passes.
const STOCK_REREAD: Duration = Duration::from_secs(20);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopQuery {
    /// The organization whose shop the page shows.
    venue: OrgId,
}

pub async fn stock(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<ShopQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let cart =
        app::cookies::ssr::find(&headers, app::shop::data::ssr::CART_COOKIE).and_then(|c| CartId::parse(&c).ok());
    // Subscribed before the first read, so no change between the two is missed.
    let pacer = Pacer::new(&s.engine.events, STOCK_REREAD);
    let open = s.engine.events.stream_opened();
    let watch = StockWatch { engine: s.engine, orq: q.venue, cart, pacer, shown: None, _open: open };
    let stream = futures_util::stream::unfold(watch, |mut watch| async move {
        let event = watch.next_event().await?;
        Some((Ok(event), watch))
    });
    Ok(Sse::new(crate::prometheus::counted(stream)).keep_alive(KeepAlive::default()))
}

struct StockWatch {
    engine: Engine,
    orq: OrgId,
    cart: Option<CartId>,
    pacer: Pacer,
    /// The last state sent; `None` before the first.
    shown: Option<String>,
    _open: StreamGuard,
}

impl StockWatch {
    /// Every product's availability the first time, then after each change that alters it;
    /// `None` ends the stream (shutdown).
    async fn next_event(&mut self) -> Option<Event> {
        loop {
            if self.shown.is_some() {
                let orq = self.orq;
                self.pacer.changed(|c| *c == Change::Shop(orq)).await?;
            }
            self.pacer.reading();
            let now = self.engine.now();
            let products = match catalogue::products(&self.engine.db, self.orq, self.cart.as_ref(), now).await {
                Ok(products) => products,
                Err(e) => {
                    tracing::warn!(error = %e, "live stock read failed");
                    self.shown.get_or_insert_with(String::new);
                    continue;
                }
            };
            let stock: Vec<ProductStock> = products.iter().map(app::shop::data::ssr::stock).collect();
            let json = serde_json::to_string(&stock).ok()?;
            if self.shown.as_ref() != Some(&json) {
                self.shown = Some(json.clone());
                return Some(Event::default().event("stock").data(json));
            }
        }
    }
}
