//! What the shop's pages show, read in one server function per page. Money and times arrive
//! worded (in the venue's zone), so the client carries no formatting of its own.
use crate::error::AppError;
use chrono::{DateTime, NaiveDate, Utc};
use gatehouse::ids::{OrgId, PickupWindowId, ShopProductId};
use gatehouse::shop::availability::{Availability, Load};
use gatehouse::shop::OrderStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A product's availability to the asking cart: what the live stream sends for each product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductStock {
    pub id: ShopProductId,
    pub availability: Availability,
    /// How many the cart could hold in all (its own hold included).
    pub available: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductCard {
    pub id: ShopProductId,
    pub name: String,
    pub description: String,
    pub image: String,
    pub price: String,
    pub stock: ProductStock,
    /// How many the cart holds now.
    pub in_cart: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartLineView {
    pub product_id: ShopProductId,
    pub name: String,
    pub quantity: i64,
    pub unit_price: String,
    pub line_total: String,
    /// The most this cart can hold of it now (the quantity field's maximum).
    pub max: i64,
    /// Its hold ran out; the stock may be gone.
    pub expired: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct CartView {
    pub lines: Vec<CartLineView>,
    pub subtotal: Option<String>,
    /// When the first live hold runs out, and the server's clock when the page was read: the
    /// countdown runs on the difference, whatever the device's clock says.
    pub expires_at: Option<DateTime<Utc>>,
    pub read_at: Option<DateTime<Utc>>,
    /// The same instant as the venue's wall clock ("2:35 pm"), for a page without JavaScript.
    pub held_until: Option<String>,
}

impl CartView {
    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(|l| l.expired)
    }

    /// Seconds of hold left when the page was read.
    pub fn seconds_left(&self) -> Option<i64> {
        Some((self.expires_at? - self.read_at?).num_seconds().max(0))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Storefront {
    pub shop_name: String,
    pub venue: String,
    pub orq: OrgId,
    pub products: Vec<ProductCard>,
    pub cart: CartView,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowChoice {
    pub id: PickupWindowId,
    /// "10:00 am – 10:15 am"
    pub label: String,
    pub load: Load,
    pub left: i64,
    /// The window this cart holds a place in.
    pub held: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PickupDay {
    pub date: NaiveDate,
    /// "Tue 1 Dec", "Today"
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceView {
    pub subtotal: String,
    /// "−$1.50" when a code takes something off.
    pub discount: Option<String>,
    pub total: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutView {
    pub shop_name: String,
    pub cart: CartView,
    pub days: Vec<PickupDay>,
    pub day: NaiveDate,
    pub windows: Vec<WindowChoice>,
    pub price: Option<PriceView>,
    /// The discount code typed, and what it does: taken, or why not.
    pub discount: Option<(String, Result<String, String>)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderLineView {
    pub name: String,
    pub quantity: i64,
    pub line_total: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderView {
    pub shop_name: String,
    /// `K7QX-M4RZ`, as it is read out (and as its QR carries it).
    pub code: String,
    pub status: OrderStatus,
    pub status_words: String,
    pub name: String,
    pub phone: String,
    pub pickup: String,
    pub lines: Vec<OrderLineView>,
    pub price: PriceView,
    pub payment: String,
    pub instructions: String,
    /// The reservation's QR (its code), for the counter's scanner.
    pub qr_svg: String,
}

/// The catalogue with what this browser's cart holds.
#[server(prefix = "/sfn", endpoint = "shop_storefront", output = crate::codec::JsonText)]
pub async fn shop_storefront() -> Result<Storefront, AppError> {
    use crate::server::ssr::{engine, main_venue, storage};
    use gatehouse::shop::{catalogue, holds};
    let engine = engine()?;
    let (organization, venue) = main_venue(&engine).await?;
    let now = engine.now();
    let cart_id = ssr::cart();
    let products = catalogue::products(&engine.db, organization.id, cart_id.as_ref(), now).await.map_err(storage)?;
    let cart = match &cart_id {
        Some(id) => Some(holds::cart(&engine.db, organization.id, id, now).await?),
        None => None,
    };
    let shop_name = catalogue::shop_name(&engine.db, organization.id).await.map_err(storage)?;
    let products = products
        .into_iter()
        .map(|p| {
            let in_cart = cart
                .iter()
                .flat_map(|c| &c.lines)
                .find(|l| l.product_id == p.id && !l.is_expired(now))
                .map_or(0, |l| l.quantity);
            ProductCard {
                id: p.id,
                price: ssr::money(p.price_minor, &p.currency),
                stock: ssr::stock(&p),
                name: p.name,
                description: p.description,
                image: p.image_path,
                in_cart,
            }
        })
        .collect();
    Ok(Storefront {
        shop_name: ssr::or_shop(shop_name),
        venue: venue.name.clone(),
        orq: organization.id,
        products,
        cart: cart.map(|c| ssr::cart_view(&c, &venue, now)).unwrap_or_default(),
    })
}

/// The checkout: the cart, the pickup days and the chosen day's windows, the price with the
/// discount code typed.
#[server(prefix = "/sfn", endpoint = "shop_checkout_view", output = crate::codec::JsonText)]
pub async fn shop_checkout_view(day: Option<String>, discount: Option<String>) -> Result<CheckoutView, AppError> {
    use crate::server::ssr::{engine, main_venue, storage};
    use gatehouse::shop::discount::DiscountCode;
    use gatehouse::shop::{catalogue, discounts, holds, price, windows, Currency, Money};
    let engine = engine()?;
    let (organization, venue) = main_venue(&engine).await?;
    let orq = organization.id;
    let now = engine.now();
    let cart_id = ssr::cart();
    let cart = match &cart_id {
        Some(id) => holds::cart(&engine.db, orq, id, now).await?,
        None => holds::Cart { lines: Vec::new(), window: None, expires_at: None },
    };
    let today = venue.today(now);
    let days: Vec<PickupDay> = (0..ssr::PICKUP_DAYS)
        .filter_map(|n| today.checked_add_days(chrono::Days::new(n)))
        .map(|date| PickupDay { date, label: ssr::day_label(date, today) })
        .collect();
    let asked = day.as_deref().and_then(gatehouse::wire::parse_date).filter(|d| days.iter().any(|p| p.date == *d));
    let held_day = cart.window.as_ref().map(|w| w.date);
    // The day asked for, else the day of the window held, else the first day with a free window.
    let mut day = asked.or(held_day).unwrap_or(today);
    let mut list = windows::windows_on(&engine.db, orq, day, cart_id.as_ref(), now).await.map_err(storage)?;
    if asked.is_none() && held_day.is_none() {
        for next in days.iter().skip(1) {
            if list.iter().any(|w| w.load(now).is_open()) {
                break;
            }
            day = next.date;
            list = windows::windows_on(&engine.db, orq, day, cart_id.as_ref(), now).await.map_err(storage)?;
        }
    }
    let held = cart.window.as_ref().map(|w| w.window_id);
    // A window that has begun cannot be chosen: it is left out rather than listed greyed.
    let windows = list
        .iter()
        .filter(|w| w.load(now) != Load::Past)
        .map(|w| WindowChoice {
            id: w.id,
            label: gatehouse::wording::time_range(w.start_time, w.end_time),
            load: w.load(now),
            left: w.left(),
            held: held == Some(w.id),
        })
        .collect();
    let lines = cart.live_lines(now);
    let currency = cart.lines.first().and_then(|l| Currency::parse(&l.currency).ok());
    let typed = discount.as_deref().and_then(DiscountCode::parse);
    let (price, discount) = match currency.filter(|_| !lines.is_empty()) {
        None => (None, None),
        Some(currency) => {
            let plain = price::price(&lines, currency, None);
            let verdict = match &typed {
                None => None,
                Some(code) => Some((
                    code.as_str().to_string(),
                    discounts::preview(&engine.db, orq, code, plain.subtotal, None, now).await.map_err(storage)?,
                )),
            };
            let taken = verdict.as_ref().and_then(|(_, v)| v.as_ref().ok());
            let priced = price::price(&lines, currency, taken);
            let words = verdict.map(|(code, v)| {
                let said = match v {
                    Ok(_) => Ok(format!("{code}: {} off", Money::new(priced.discount.minor, currency))),
                    Err(refusal) => Err(refusal.to_string()),
                };
                (code, said)
            });
            (Some(ssr::price_view(&priced)), words)
        }
    };
    let shop_name = catalogue::shop_name(&engine.db, orq).await.map_err(storage)?;
    Ok(CheckoutView {
        shop_name: ssr::or_shop(shop_name),
        cart: ssr::cart_view(&cart, &venue, now),
        days,
        day,
        windows,
        price,
        discount,
    })
}

/// A reservation this browser placed (`Ok(None)`: not one of its own, so the page asks for the
/// phone), or, with `phone`, the one the code and phone match.
#[server(prefix = "/sfn", endpoint = "shop_order", output = crate::codec::JsonText)]
pub async fn shop_order(
    code: String,
    phone: Option<String>,
    country: Option<String>,
) -> Result<Option<OrderView>, AppError> {
    use crate::server::ssr::{engine, main_venue, storage};
    use gatehouse::contact::PhoneE164;
    use gatehouse::shop::{catalogue, orders, ReservationCode};
    let engine = engine()?;
    let (organization, venue) = main_venue(&engine).await?;
    let orq = organization.id;
    let code = ReservationCode::parse(&code)?;
    let found = match phone.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(phone) => {
            let phone = PhoneE164::parse_with_country(phone, country.as_deref().unwrap_or("US"))?;
            Some(orders::lookup(&engine.db, orq, &code, &phone).await?)
        }
        None => match ssr::cart() {
            Some(cart) => orders::placed_from(&engine.db, orq, &code, &cart).await.map_err(storage)?,
            None => None,
        },
    };
    let shop_name = ssr::or_shop(catalogue::shop_name(&engine.db, orq).await.map_err(storage)?);
    Ok(found.map(|o| ssr::order_view(o, shop_name, &venue)))
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use gatehouse::org::Venue;
    use gatehouse::shop::holds::Cart;
    use gatehouse::shop::orders::Order;
    use gatehouse::shop::price::Price;
    use gatehouse::shop::{CartId, Currency, Money};
    use gatehouse::wording;

    /// The cookie that names this browser's cart: an unguessable id, HttpOnly, so a page's
    /// scripts never see it and another browser cannot use the holds.
    pub const CART_COOKIE: &str = "gatehouse_cart";
    /// A cart is kept for a month: its confirmations stay visible to the browser that placed them.
    pub const CART_COOKIE_SECONDS: u32 = 30 * 24 * 3600;
    /// Days ahead the pickup picker offers.
    pub const PICKUP_DAYS: u64 = 7;

    /// This browser's cart, when it has one.
    pub fn cart() -> Option<CartId> {
        crate::cookies::ssr::read(CART_COOKIE).and_then(|v| CartId::parse(&v).ok())
    }

    /// This browser's cart, made (and its cookie set) on the first thing it holds.
    pub fn cart_or_new() -> CartId {
        cart().unwrap_or_else(|| {
            let id = CartId::generate();
            crate::cookies::ssr::set(CART_COOKIE, id.as_str(), "/", CART_COOKIE_SECONDS);
            id
        })
    }

    /// What the page and its live stream say of a product's stock.
    pub fn stock(p: &gatehouse::shop::catalogue::Product) -> ProductStock {
        ProductStock { id: p.id, availability: p.availability(), available: p.available }
    }

    pub fn or_shop(name: String) -> String {
        if name.trim().is_empty() {
            "Shop".into()
        } else {
            name
        }
    }

    pub fn money(minor: i64, currency: &str) -> String {
        Currency::parse(currency).map_or_else(|_| format!("{minor} {currency}"), |c| Money::new(minor, c).to_string())
    }

    pub fn day_label(date: NaiveDate, today: NaiveDate) -> String {
        match (date - today).num_days() {
            0 => format!("Today, {}", wording::short_date(date)),
            1 => format!("Tomorrow, {}", wording::short_date(date)),
            _ => wording::short_date(date),
        }
    }

    pub fn price_view(price: &Price) -> PriceView {
        PriceView {
            subtotal: price.subtotal.to_string(),
            discount: (price.discount.minor > 0).then(|| format!("−{}", price.discount)),
            total: price.total.to_string(),
        }
    }

    pub fn cart_view(cart: &Cart, venue: &Venue, now: DateTime<Utc>) -> CartView {
        let lines: Vec<CartLineView> = cart
            .lines
            .iter()
            .map(|l| CartLineView {
                product_id: l.product_id,
                name: l.name.clone(),
                quantity: l.quantity,
                unit_price: money(l.unit_price_minor, &l.currency),
                line_total: money(l.unit_price_minor.saturating_mul(l.quantity), &l.currency),
                max: l.available.clamp(0, gatehouse::shop::input::MAX_QUANTITY),
                expired: l.is_expired(now),
            })
            .collect();
        let live = cart.live_lines(now);
        let currency = cart.lines.first().and_then(|l| Currency::parse(&l.currency).ok());
        let subtotal = currency
            .filter(|_| !live.is_empty())
            .map(|c| gatehouse::shop::price::price(&live, c, None).subtotal.to_string());
        let held_until = cart.expires_at.map(|at| wording::clock_time(at.with_timezone(&venue.tz()).time()));
        CartView { lines, subtotal, expires_at: cart.expires_at, read_at: Some(now), held_until }
    }

    pub fn order_view(o: Order, shop_name: String, _venue: &Venue) -> OrderView {
        let qr_svg = gatehouse::tickets::qr::svg_of(o.code.as_str()).unwrap_or_default();
        let payment = match o.payment_status {
            gatehouse::shop::PaymentStatus::Paid => "Paid",
            gatehouse::shop::PaymentStatus::PayAtPickup => "Pay at pickup",
            gatehouse::shop::PaymentStatus::Unpaid => "Not paid yet",
        };
        OrderView {
            shop_name,
            status_words: o.status.label().to_string(),
            status: o.status,
            name: o.customer_name,
            phone: gatehouse::contact::for_people(&o.customer_phone),
            pickup: wording::visit(o.pickup_date, o.pickup_start, o.pickup_end),
            lines: o
                .items
                .iter()
                .map(|i| OrderLineView {
                    name: i.name.clone(),
                    quantity: i.quantity,
                    line_total: money(i.line_total_minor, &o.currency),
                })
                .collect(),
            price: PriceView {
                subtotal: money(o.subtotal_minor, &o.currency),
                discount: (o.discount_minor > 0).then(|| format!("−{}", money(o.discount_minor, &o.currency))),
                total: money(o.total_minor, &o.currency),
            },
            payment: payment.into(),
            instructions: o.instructions,
            qr_svg,
            code: o.code,
        }
    }
}
