//! What a customer sends the shop, parsed once: a cart, a quantity, a name, instructions.
use super::error::ShopError;
use serde::{Deserialize, Serialize};

/// Most of one product a cart may hold: a deli counter, not a wholesaler.
pub const MAX_QUANTITY: i64 = 50;
pub const MAX_NAME: usize = 100;
pub const MAX_INSTRUCTIONS: usize = 500;

/// A cart, named by the random id kept in its session cookie: whoever holds the cookie holds
/// the cart, so it is a secret and is never shown to other customers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CartId(String);

impl CartId {
    pub fn parse(input: &str) -> Result<Self, ShopError> {
        let ok = (8..=128).contains(&input.len())
            && input.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(input.to_string()))
        } else {
            Err(ShopError::InvalidCart)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(feature = "ssr")]
impl CartId {
    /// A new cart id with 128 random bits.
    pub fn generate() -> Self {
        Self(crate::secret::random_token("cart_", 16))
    }
}

impl TryFrom<String> for CartId {
    type Error = ShopError;
    fn try_from(s: String) -> Result<Self, ShopError> {
        Self::parse(&s)
    }
}

impl From<CartId> for String {
    fn from(c: CartId) -> String {
        c.0
    }
}

/// How many of one product, 1 to [`MAX_QUANTITY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Quantity(i64);

impl Quantity {
    pub fn new(n: i64) -> Result<Self, ShopError> {
        if (1..=MAX_QUANTITY).contains(&n) {
            Ok(Self(n))
        } else {
            Err(ShopError::InvalidQuantity { max: MAX_QUANTITY })
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for Quantity {
    type Error = ShopError;
    fn try_from(n: i64) -> Result<Self, ShopError> {
        Self::new(n)
    }
}

impl From<Quantity> for i64 {
    fn from(q: Quantity) -> i64 {
        q.0
    }
}

/// The name the order is kept under at the counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerName(String);

impl CustomerName {
    pub fn parse(input: &str) -> Result<Self, ShopError> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            Err(ShopError::NameRequired)
        } else if name.chars().count() > MAX_NAME {
            Err(ShopError::TooLong { field: "name", max: MAX_NAME })
        } else {
            Ok(Self(name))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Special instructions for the counter (may be empty), at most [`MAX_INSTRUCTIONS`] characters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instructions(String);

impl Instructions {
    pub fn parse(input: &str) -> Result<Self, ShopError> {
        let text = input.trim();
        // Control characters would reach the counter's screen and printouts as they are.
        let text: String = text.chars().filter(|c| !c.is_control() || *c == '\n').collect();
        if text.chars().count() > MAX_INSTRUCTIONS {
            Err(ShopError::TooLong { field: "instructions", max: MAX_INSTRUCTIONS })
        } else {
            Ok(Self(text))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quantity_is_between_one_and_the_maximum() {
        assert!(Quantity::new(0).is_err());
        assert!(Quantity::new(MAX_QUANTITY + 1).is_err());
        assert_eq!(Quantity::new(3).map(Quantity::get), Ok(3));
    }

    #[test]
    fn a_name_is_trimmed_and_required() {
        assert_eq!(CustomerName::parse("  Ada   Lovelace ").map(|n| n.as_str().to_string()), Ok("Ada Lovelace".into()));
        assert_eq!(CustomerName::parse("   "), Err(ShopError::NameRequired));
    }

    #[test]
    fn instructions_longer_than_the_limit_are_refused() {
        assert!(Instructions::parse(&"a".repeat(MAX_INSTRUCTIONS)).is_ok());
        assert_eq!(
            Instructions::parse(&"a".repeat(MAX_INSTRUCTIONS + 1)),
            Err(ShopError::TooLong { field: "instructions", max: MAX_INSTRUCTIONS })
        );
    }

    #[test]
    fn a_cart_id_is_a_token_not_any_text() {
        assert!(CartId::parse("short").is_err());
        assert!(CartId::parse("cart_0123456789abcdef").is_ok());
        assert!(CartId::parse("cart_01234567'; --").is_err());
    }
}
