//! Shop endpoints: the catalogue with live availability, a cart's holds, pickup windows,
//! checkout and lookup. A REST client names its cart with the id it was given (the pages keep
//! it in the session cookie instead).
use super::error::ApiError;
use super::extract::{ApiJson, ApiQuery};
use super::ok;
use crate::state::AppState;
use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use gatehouse::contact::{Email, PhoneE164};
use gatehouse::ids::{OrgId, PickupWindowId, ShopProductId};
use gatehouse::shop::checkout::{self, CheckoutForm};
use gatehouse::shop::discount::DiscountCode;
use gatehouse::shop::{catalogue, holds, orders, windows};
use gatehouse::shop::{CartId, CustomerName, Instructions, Quantity, ReservationCode};
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueQuery {
    orq: OrgId,
    cart: Option<String>,
}

fn cart(id: Option<&str>) -> Result<Option<CartId>, ApiError> {
    Ok(id.map(CartId::parse).transpose()?)
}

pub async fn products(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<CatalogueQuery>,
) -> Result<Json<Value>, ApiError> {
    let cart = cart(q.cart.as_deref())?;
    let products = catalogue::products(&s.engine.db, q.orq, cart.as_ref(), s.engine.now()).await?;
    let data: Vec<Value> = products.iter().map(|p| json!({ "product": p, "availability": p.availability() })).collect();
    Ok(ok(data))
}

/// A new cart id for a client that has none.
pub async fn new_cart() -> Json<Value> {
    ok(json!({ "cart": CartId::generate() }))
}

pub async fn show_cart(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<CatalogueQuery>,
) -> Result<Json<Value>, ApiError> {
    let cart = cart(q.cart.as_deref())?.ok_or(gatehouse::shop::ShopError::InvalidCart)?;
    Ok(ok(holds::cart(&s.engine.db, q.orq, &cart, s.engine.now()).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemBody {
    orq: OrgId,
    cart: String,
    product_id: ShopProductId,
    quantity: i64,
}

/// Adds `quantity` to what the cart holds.
pub async fn add_item(State(s): State<AppState>, ApiJson(b): ApiJson<ItemBody>) -> Result<Json<Value>, ApiError> {
    let cart = CartId::parse(&b.cart)?;
    let held = holds::add(&s.engine, b.orq, &cart, b.product_id, Quantity::new(b.quantity)?).await?;
    Ok(ok(held))
}

/// Sets the quantity the cart holds (0 removes the line).
pub async fn set_item(State(s): State<AppState>, ApiJson(b): ApiJson<ItemBody>) -> Result<Json<Value>, ApiError> {
    let cart = CartId::parse(&b.cart)?;
    let held = holds::set_quantity(&s.engine, b.orq, &cart, b.product_id, b.quantity).await?;
    Ok(ok(held))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CartBody {
    cart: String,
}

/// Empties the cart: its holds are released at once.
pub async fn empty_cart(State(s): State<AppState>, ApiJson(b): ApiJson<CartBody>) -> Result<Json<Value>, ApiError> {
    holds::empty(&s.engine, &CartId::parse(&b.cart)?).await?;
    Ok(ok(json!({})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowsQuery {
    orq: OrgId,
    date: NaiveDate,
    cart: Option<String>,
}

pub async fn pickup_windows(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<WindowsQuery>,
) -> Result<Json<Value>, ApiError> {
    let cart = cart(q.cart.as_deref())?;
    let now = s.engine.now();
    let list = windows::windows_on(&s.engine.db, q.orq, q.date, cart.as_ref(), now).await?;
    let data: Vec<Value> = list.iter().map(|w| json!({ "window": w, "left": w.left(), "load": w.load(now) })).collect();
    Ok(ok(data))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowBody {
    orq: OrgId,
    cart: String,
    window_id: PickupWindowId,
}

pub async fn hold_window(State(s): State<AppState>, ApiJson(b): ApiJson<WindowBody>) -> Result<Json<Value>, ApiError> {
    let cart = CartId::parse(&b.cart)?;
    Ok(ok(holds::hold_window(&s.engine, b.orq, &cart, b.window_id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckoutBody {
    orq: OrgId,
    cart: String,
    window_id: PickupWindowId,
    name: String,
    phone: String,
    email: Option<String>,
    instructions: Option<String>,
    discount_code: Option<String>,
}

pub async fn place_order(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<CheckoutBody>,
) -> Result<Json<Value>, ApiError> {
    let form = CheckoutForm {
        cart: CartId::parse(&b.cart)?,
        window: b.window_id,
        name: CustomerName::parse(&b.name)?,
        phone: PhoneE164::parse(&b.phone)?,
        email: b.email.as_deref().filter(|e| !e.trim().is_empty()).map(Email::parse).transpose()?,
        instructions: Instructions::parse(b.instructions.as_deref().unwrap_or(""))?,
        discount: b.discount_code.as_deref().and_then(DiscountCode::parse),
    };
    Ok(ok(checkout::checkout(&s.engine, b.orq, form).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupBody {
    orq: OrgId,
    code: String,
    phone: String,
}

/// A reservation by its code and phone; a wrong code and a wrong phone are answered alike.
pub async fn lookup(State(s): State<AppState>, ApiJson(b): ApiJson<LookupBody>) -> Result<Json<Value>, ApiError> {
    let code = ReservationCode::parse(&b.code)?;
    let phone = PhoneE164::parse(&b.phone)?;
    Ok(ok(orders::lookup(&s.engine.db, b.orq, &code, &phone).await?))
}
