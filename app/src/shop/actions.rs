//! What a customer does in the shop: hold products and a pickup place, let them go, check out.
//! Each is one domain call (one transaction); the cart is this browser's cookie. Posted without
//! JavaScript, each comes back to the page it was sent from, which shows the result.
use crate::error::AppError;
use gatehouse::ids::{PickupWindowId, ShopProductId};
use leptos::prelude::*;

/// Adds `quantity` of a product to the cart, holding it for the cart.
#[server(prefix = "/sfn", endpoint = "shop_add", output = crate::codec::JsonText)]
pub async fn shop_add(product: ShopProductId, quantity: i64) -> Result<(), AppError> {
    use crate::server::ssr::{engine, main_venue};
    use gatehouse::shop::{holds, Quantity};
    let engine = engine()?;
    let (organization, _) = main_venue(&engine).await?;
    let quantity = Quantity::new(quantity)?;
    let cart = super::data::ssr::cart_or_new();
    holds::add(&engine, organization.id, &cart, product, quantity).await?;
    // Activity on the cart: everything it holds lasts as long (up to the cap).
    holds::extend(&engine, &cart).await?;
    Ok(())
}

/// Sets how many of a product the cart holds (0 takes it out and frees the stock at once).
#[server(prefix = "/sfn", endpoint = "shop_set", output = crate::codec::JsonText)]
pub async fn shop_set(product: ShopProductId, quantity: i64) -> Result<(), AppError> {
    use crate::server::ssr::{engine, main_venue};
    use gatehouse::shop::holds;
    let engine = engine()?;
    let (organization, _) = main_venue(&engine).await?;
    let cart = super::data::ssr::cart_or_new();
    holds::set_quantity(&engine, organization.id, &cart, product, quantity).await?;
    holds::extend(&engine, &cart).await?;
    Ok(())
}

/// Lets everything the cart holds go.
#[server(prefix = "/sfn", endpoint = "shop_empty", output = crate::codec::JsonText)]
pub async fn shop_empty() -> Result<(), AppError> {
    use crate::server::ssr::engine;
    let engine = engine()?;
    if let Some(cart) = super::data::ssr::cart() {
        gatehouse::shop::holds::empty(&engine, &cart).await?;
    }
    Ok(())
}

/// Holds a place in a pickup window while the form is filled in (choosing another moves it).
#[server(prefix = "/sfn", endpoint = "shop_window", output = crate::codec::JsonText)]
pub async fn shop_window(window: PickupWindowId) -> Result<(), AppError> {
    use crate::server::ssr::{engine, main_venue};
    use gatehouse::shop::holds;
    let engine = engine()?;
    let (organization, _) = main_venue(&engine).await?;
    let cart = super::data::ssr::cart_or_new();
    holds::hold_window(&engine, organization.id, &cart, window).await?;
    // Choosing is activity: the cart's other holds last as long.
    holds::extend(&engine, &cart).await?;
    Ok(())
}

/// Turns the cart into a reservation and opens its confirmation.
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/sfn", endpoint = "shop_checkout", output = crate::codec::JsonText)]
pub async fn shop_checkout(
    window: Option<PickupWindowId>,
    name: String,
    phone: String,
    country: String,
    #[server(default)] email: String,
    #[server(default)] instructions: String,
    #[server(default)] discount: String,
) -> Result<(), AppError> {
    use crate::server::ssr::{engine, main_venue};
    use gatehouse::contact::{Email, PhoneE164};
    use gatehouse::shop::checkout::{self, CheckoutForm};
    use gatehouse::shop::discount::DiscountCode;
    use gatehouse::shop::{CustomerName, Instructions, ShopError};
    let engine = engine()?;
    let (organization, _) = main_venue(&engine).await?;
    let cart = super::data::ssr::cart().ok_or(ShopError::CartEmpty)?;
    let form = CheckoutForm {
        cart,
        window: window.ok_or(ShopError::WindowRequired)?,
        name: CustomerName::parse(&name)?,
        phone: PhoneE164::parse_with_country(&phone, &country)?,
        email: Some(email.trim()).filter(|e| !e.is_empty()).map(Email::parse).transpose()?,
        instructions: Instructions::parse(&instructions)?,
        discount: DiscountCode::parse(&discount),
    };
    let placed = checkout::checkout(&engine, organization.id, form).await?;
    leptos_axum::redirect(&format!("/shop/order?code={}", placed.code));
    Ok(())
}

/// Cancels a reservation that is not yet ready, for the browser that placed it or, with the
/// phone, for anyone who looked it up; its stock and pickup place go back at once.
#[server(prefix = "/sfn", endpoint = "shop_cancel", output = crate::codec::JsonText)]
pub async fn shop_cancel(
    code: String,
    #[server(default)] phone: String,
    #[server(default)] country: String,
) -> Result<(), AppError> {
    use crate::server::ssr::{engine, main_venue, storage};
    use gatehouse::contact::PhoneE164;
    use gatehouse::shop::{orders, ReservationCode, ShopError};
    let engine = engine()?;
    let (organization, _) = main_venue(&engine).await?;
    let orq = organization.id;
    let code = ReservationCode::parse(&code)?;
    let (phone, back) = if phone.trim().is_empty() {
        let cart = super::data::ssr::cart().ok_or(ShopError::OrderNotFound)?;
        let order = orders::placed_from(&engine.db, orq, &code, &cart).await.map_err(storage)?;
        let order = order.ok_or(ShopError::OrderNotFound)?;
        (PhoneE164::parse(&order.customer_phone)?, format!("/shop/order?code={code}"))
    } else {
        let parsed = PhoneE164::parse_with_country(&phone, &country)?;
        let number = parsed.as_str().trim_start_matches('+');
        let back = format!("/shop/lookup?code={code}&country={}&phone=%2B{number}", country.trim());
        (parsed, back)
    };
    orders::cancel_by_customer(&engine, orq, &code, &phone).await?;
    leptos_axum::redirect(&back);
    Ok(())
}
