//! Discount codes: what one takes off an order and the rules that say whether it applies. The
//! rules are pure so the checkout can say why a code was refused; the checkout's conditional
//! statement is what enforces them.
use super::money::{Currency, Money};
use crate::ids::DiscountCodeId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A code as the customer typed it, read forgivingly: any case, spaces ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DiscountCode(String);

impl DiscountCode {
    /// `None` for an empty field: no code is not a wrong code.
    pub fn parse(input: &str) -> Option<Self> {
        let code: String = input.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect();
        (!code.is_empty()).then(|| Self(code.chars().take(64).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DiscountKind {
    /// `amount` percent of the subtotal (1–100).
    Percent,
    /// `amount` minor units, never more than the subtotal.
    Fixed,
}

impl DiscountKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Percent => "PERCENT",
            Self::Fixed => "FIXED",
        }
    }
}

impl std::str::FromStr for DiscountKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "PERCENT" => Ok(Self::Percent),
            "FIXED" => Ok(Self::Fixed),
            other => Err(format!("unknown discount kind '{other}'")),
        }
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(DiscountKind);

/// What a code takes off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discount {
    pub kind: DiscountKind,
    pub amount: i64,
}

impl Discount {
    /// The amount off `subtotal`: a percentage rounds half up to the minor unit; neither kind
    /// takes off more than the subtotal.
    pub fn off(&self, subtotal: Money) -> Money {
        let base = subtotal.minor.max(0);
        let off = match self.kind {
            DiscountKind::Percent => {
                let percent = i128::from(self.amount.clamp(0, 100));
                ((i128::from(base) * percent + 50) / 100) as i64
            }
            DiscountKind::Fixed => self.amount.max(0),
        };
        Money::new(off.min(base), subtotal.currency)
    }
}

/// A stored code with its limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct DiscountRule {
    pub id: DiscountCodeId,
    pub code: String,
    pub kind: DiscountKind,
    pub amount: i64,
    pub currency: String,
    pub min_order_minor: i64,
    pub valid_from: DateTime<Utc>,
    pub valid_until: Option<DateTime<Utc>>,
    pub usage_limit: Option<i64>,
    pub per_customer_limit: Option<i64>,
    pub used_count: i64,
    pub active: bool,
}

/// Why a code does not apply to an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DiscountRefusal {
    #[error("This discount code does not exist.")]
    Unknown,
    #[error("This discount code is not valid yet.")]
    NotYetValid,
    #[error("This discount code has expired.")]
    Expired,
    #[error("This discount code has been used as many times as it can be.")]
    UsedUp,
    #[error("You have already used this discount code.")]
    UsedByCustomer,
    #[error("This discount code needs an order of at least {minimum}.")]
    BelowMinimum { minimum: Money },
    #[error("This discount code is for another currency.")]
    OtherCurrency,
}

impl DiscountRule {
    pub fn discount(&self) -> Discount {
        Discount { kind: self.kind, amount: self.amount }
    }

    /// Why the code does not apply at `now` to an order of `subtotal` by a customer who has
    /// used it `customer_uses` times; `None` when it applies.
    pub fn refusal(&self, now: DateTime<Utc>, subtotal: Money, customer_uses: i64) -> Option<DiscountRefusal> {
        let currency = Currency::parse(&self.currency).ok();
        if !self.active {
            Some(DiscountRefusal::Unknown)
        } else if now < self.valid_from {
            Some(DiscountRefusal::NotYetValid)
        } else if self.valid_until.is_some_and(|until| now >= until) {
            Some(DiscountRefusal::Expired)
        } else if self.usage_limit.is_some_and(|limit| self.used_count >= limit) {
            Some(DiscountRefusal::UsedUp)
        } else if self.per_customer_limit.is_some_and(|limit| customer_uses >= limit) {
            Some(DiscountRefusal::UsedByCustomer)
        } else if currency != Some(subtotal.currency) {
            Some(DiscountRefusal::OtherCurrency)
        } else if subtotal.minor < self.min_order_minor {
            Some(DiscountRefusal::BelowMinimum { minimum: Money::new(self.min_order_minor, subtotal.currency) })
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 15, 0, 0).unwrap()
    }

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::USD)
    }

    fn rule() -> DiscountRule {
        DiscountRule {
            id: DiscountCodeId(1),
            code: "BAKERY10".into(),
            kind: DiscountKind::Percent,
            amount: 10,
            currency: "USD".into(),
            min_order_minor: 1000,
            valid_from: now() - Duration::days(1),
            valid_until: Some(now() + Duration::days(1)),
            usage_limit: Some(100),
            per_customer_limit: Some(1),
            used_count: 0,
            active: true,
        }
    }

    #[test]
    fn a_percentage_rounds_half_up_to_the_cent() {
        let ten = Discount { kind: DiscountKind::Percent, amount: 10 };
        assert_eq!(ten.off(usd(1005)), usd(101));
        assert_eq!(ten.off(usd(1004)), usd(100));
    }

    #[test]
    fn no_discount_takes_off_more_than_the_order() {
        assert_eq!(Discount { kind: DiscountKind::Fixed, amount: 5000 }.off(usd(1200)), usd(1200));
        assert_eq!(Discount { kind: DiscountKind::Percent, amount: 150 }.off(usd(1200)), usd(1200));
    }

    #[test]
    fn a_valid_code_over_the_minimum_applies() {
        assert_eq!(rule().refusal(now(), usd(1000), 0), None);
    }

    #[test]
    fn a_code_outside_its_validity_window_is_refused() {
        let r = rule();
        assert_eq!(r.refusal(now() - Duration::days(2), usd(2000), 0), Some(DiscountRefusal::NotYetValid));
        assert_eq!(r.refusal(now() + Duration::days(1), usd(2000), 0), Some(DiscountRefusal::Expired));
    }

    #[test]
    fn a_code_used_up_or_already_used_by_the_customer_is_refused() {
        let used_up = DiscountRule { used_count: 100, ..rule() };
        assert_eq!(used_up.refusal(now(), usd(2000), 0), Some(DiscountRefusal::UsedUp));
        assert_eq!(rule().refusal(now(), usd(2000), 1), Some(DiscountRefusal::UsedByCustomer));
    }

    #[test]
    fn an_order_under_the_minimum_is_told_the_minimum() {
        assert_eq!(rule().refusal(now(), usd(999), 0), Some(DiscountRefusal::BelowMinimum { minimum: usd(1000) }));
    }

    #[test]
    fn typed_codes_ignore_case_and_spaces() {
        assert_eq!(DiscountCode::parse(" bakery 10 ").map(|c| c.as_str().to_string()), Some("BAKERY10".into()));
        assert_eq!(DiscountCode::parse("   "), None);
    }
}
