//! The shop's refusals, each with a machine code, a status and the details a page can act on
//! (which item ran out and how many are left), mapped once like the other domain errors.
use super::discount::DiscountRefusal;
use super::status::OrderStatus;
use crate::contact::ContactError;
use crate::error::{detail, details, DomainError};
use crate::ids::{PickupWindowId, ShopProductId};
pub use crate::reservation::StorageError;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A product a cart wants more of than is left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Shortage {
    pub product_id: ShopProductId,
    pub name: String,
    pub wanted: i64,
    /// What the cart could still have (0: sold out).
    pub available: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum ShopError {
    #[error("Choose between 1 and {max} of a product.")]
    InvalidQuantity { max: i64 },
    #[error("Your cart has expired. Please reload the page.")]
    InvalidCart,
    #[error("Enter the name to keep the order under.")]
    NameRequired,
    #[error("The {field} can be at most {max} characters long.")]
    TooLong { field: &'static str, max: usize },
    #[error("{0}")]
    Contact(#[from] ContactError),
    #[error("This product is not in the shop.")]
    ProductNotFound,
    #[error("{}", sold_out_message(.name, .available))]
    NotEnoughStock { product_id: ShopProductId, name: String, available: i64 },
    #[error("That pickup time does not exist.")]
    WindowNotFound,
    #[error("Choose a pickup time.")]
    WindowRequired,
    #[error("This pickup time is fully booked. Please choose another.")]
    WindowFull { window_id: PickupWindowId },
    #[error("This pickup time has passed. Please choose a later one.")]
    WindowPast { window_id: PickupWindowId },
    #[error("Your cart is empty.")]
    CartEmpty,
    #[error("{}", gone_message(.0))]
    ItemsGone(Vec<Shortage>),
    #[error("{0}")]
    Discount(DiscountRefusal),
    #[error("No reservation matches this code and phone number.")]
    OrderNotFound,
    #[error("An order that is {} cannot become {}.", .from.label().to_lowercase(), .to.label().to_lowercase())]
    StatusChange { from: OrderStatus, to: OrderStatus },
    #[error("storage failure")]
    Storage(#[from] StorageError),
}

fn sold_out_message(name: &str, available: &i64) -> String {
    match *available {
        0 => format!("{name} is sold out."),
        n => format!("Only {n} {name} left."),
    }
}

fn gone_message(items: &[Shortage]) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|s| match s.available {
            0 => format!("{} is sold out", s.name),
            n => format!("only {n} {} left (you had {})", s.name, s.wanted),
        })
        .collect();
    format!("Your hold ran out and others took the stock: {}.", parts.join("; "))
}

impl PartialEq for ShopError {
    /// Equal when the same refusal with the same details; storage failures are never equal.
    fn eq(&self, other: &Self) -> bool {
        !matches!(self, Self::Storage(_))
            && self.code() == other.code()
            && self.details() == other.details()
            && self.to_string() == other.to_string()
    }
}

impl DomainError for ShopError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidQuantity { .. } => "INVALID_QUANTITY",
            Self::InvalidCart => "INVALID_CART",
            Self::NameRequired => "NAME_REQUIRED",
            Self::TooLong { .. } => "TOO_LONG",
            Self::Contact(e) => e.code(),
            Self::ProductNotFound => "PRODUCT_NOT_FOUND",
            Self::NotEnoughStock { .. } => "NOT_ENOUGH_STOCK",
            Self::WindowNotFound => "WINDOW_NOT_FOUND",
            Self::WindowRequired => "WINDOW_REQUIRED",
            Self::WindowFull { .. } => "WINDOW_FULL",
            Self::WindowPast { .. } => "WINDOW_IN_PAST",
            Self::CartEmpty => "CART_EMPTY",
            Self::ItemsGone(_) => "ITEMS_GONE",
            Self::Discount(_) => "DISCOUNT_REFUSED",
            Self::OrderNotFound => "ORDER_NOT_FOUND",
            Self::StatusChange { .. } => "STATUS_CHANGE_REFUSED",
            Self::Storage(_) => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::ProductNotFound | Self::WindowNotFound | Self::OrderNotFound => 404,
            Self::NotEnoughStock { .. } | Self::WindowFull { .. } | Self::ItemsGone(_) | Self::StatusChange { .. } => {
                409
            }
            Self::Storage(_) => 500,
            _ => 400,
        }
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            Self::InvalidQuantity { max } => details([("max", detail(max))]),
            Self::TooLong { field, max } => details([("field", detail(field)), ("max", detail(max))]),
            Self::NotEnoughStock { product_id, available, .. } => {
                details([("product_id", detail(product_id)), ("available", detail(available))])
            }
            Self::WindowFull { window_id } | Self::WindowPast { window_id } => {
                details([("window_id", detail(window_id))])
            }
            Self::ItemsGone(items) => details([("items", detail(items))]),
            Self::Discount(reason) => details([("discount", detail(reason))]),
            Self::StatusChange { from, to } => details([("from", detail(from)), ("to", detail(to))]),
            _ => Map::new(),
        }
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        match self {
            Self::Storage(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkout_after_expiry_names_each_item_and_what_is_left() {
        let e = ShopError::ItemsGone(vec![
            Shortage { product_id: ShopProductId(1), name: "Sourdough loaf".into(), wanted: 2, available: 0 },
            Shortage { product_id: ShopProductId(2), name: "Rye rolls".into(), wanted: 6, available: 4 },
        ]);
        assert_eq!(e.code(), "ITEMS_GONE");
        assert_eq!(e.status(), 409);
        let text = e.to_string();
        assert!(text.contains("Sourdough loaf is sold out"), "{text}");
        assert!(text.contains("only 4 Rye rolls left (you had 6)"), "{text}");
        assert_eq!(e.details()["items"][1]["available"], 4);
    }
}
