//! The live price of a cart: line totals, the discount and the total, from the lines alone, so
//! the page recomputes it as quantities change and the checkout stores the same figures.
use super::discount::Discount;
use super::money::{Currency, Money};
use crate::ids::ShopProductId;
use serde::{Deserialize, Serialize};

/// One product in a cart or an order, priced at its unit price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Line {
    pub product_id: ShopProductId,
    pub name: String,
    pub unit_price_minor: i64,
    pub quantity: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PricedLine {
    pub product_id: ShopProductId,
    pub name: String,
    pub quantity: i64,
    pub unit_price: Money,
    pub line_total: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Price {
    pub lines: Vec<PricedLine>,
    pub subtotal: Money,
    pub discount: Money,
    pub total: Money,
}

/// Prices `lines` in `currency` with an optional discount.
pub fn price(lines: &[Line], currency: Currency, discount: Option<&Discount>) -> Price {
    let lines: Vec<PricedLine> = lines
        .iter()
        .map(|l| {
            let unit_price = Money::new(l.unit_price_minor, currency);
            PricedLine {
                product_id: l.product_id,
                name: l.name.clone(),
                quantity: l.quantity,
                unit_price,
                line_total: unit_price.times(l.quantity),
            }
        })
        .collect();
    let subtotal = Money::new(lines.iter().fold(0i64, |sum, l| sum.saturating_add(l.line_total.minor)), currency);
    let discount = discount.map_or(Money::zero(currency), |d| d.off(subtotal));
    let total = Money::new(subtotal.minor - discount.minor, currency);
    Price { lines, subtotal, discount, total }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shop::discount::DiscountKind;

    fn line(id: i64, unit: i64, quantity: i64) -> Line {
        Line { product_id: ShopProductId(id), name: format!("p{id}"), unit_price_minor: unit, quantity }
    }

    #[test]
    fn line_totals_add_up_to_the_subtotal() {
        let p = price(&[line(1, 450, 2), line(2, 1200, 1)], Currency::USD, None);
        assert_eq!(p.lines[0].line_total.minor, 900);
        assert_eq!(p.subtotal.minor, 2100);
        assert_eq!(p.discount.minor, 0);
        assert_eq!(p.total.minor, 2100);
    }

    #[test]
    fn a_discount_comes_off_the_subtotal() {
        let ten = Discount { kind: DiscountKind::Percent, amount: 10 };
        let p = price(&[line(1, 450, 2), line(2, 1200, 1)], Currency::USD, Some(&ten));
        assert_eq!((p.subtotal.minor, p.discount.minor, p.total.minor), (2100, 210, 1890));
        let five = Discount { kind: DiscountKind::Fixed, amount: 500 };
        assert_eq!(price(&[line(1, 300, 1)], Currency::USD, Some(&five)).total.minor, 0);
    }

    #[test]
    fn an_empty_cart_costs_nothing() {
        let p = price(&[], Currency::USD, None);
        assert_eq!(p.total, Money::zero(Currency::USD));
    }
}
