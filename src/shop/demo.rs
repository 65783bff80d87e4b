//! The demo's shop: a deli and bakery beside the museum, with its pickup hours and two codes.
//! Running it again creates nothing twice and tops the windows up.
use super::catalogue::{create_product, NewProduct};
use super::discount::{DiscountCode, DiscountKind};
use super::discounts::{self, NewDiscountCode};
use super::money::Currency;
use super::windows::{ensure_windows, PickupHours};
use crate::org::Venue;
use crate::store::Db;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

pub const SHOP_NAME: &str = "Pier Street Deli & Bakery";

/// (slug, name, description, price in cents, stock, low-stock threshold)
const PRODUCTS: [(&str, &str, &str, i64, i64, i64); 10] = [
    (
        "harbor-sourdough",
        "Harbor Sourdough Loaf",
        "A two-day wild-yeast loaf with a blistered crust, baked at dawn on the pier.",
        850,
        24,
        5,
    ),
    (
        "butter-croissant",
        "Butter Croissant",
        "Laminated with cultured butter: 27 layers, shatter-crisp outside, soft inside.",
        375,
        40,
        8,
    ),
    (
        "cardamom-bun",
        "Cardamom Bun",
        "A Scandinavian knot of brioche, cardamom sugar and a little orange zest.",
        425,
        30,
        6,
    ),
    (
        "chocolate-babka",
        "Chocolate Babka",
        "A braided loaf swirled with dark chocolate and cocoa crumb. Serves eight.",
        1600,
        8,
        3,
    ),
    (
        "olive-focaccia",
        "Olive & Rosemary Focaccia",
        "Half-sheet focaccia with Castelvetrano olives, rosemary and flaky salt.",
        700,
        16,
        4,
    ),
    (
        "caraway-rye-rolls",
        "Caraway Rye Rolls (6)",
        "Six soft rye rolls with caraway, made for the deli's pastrami.",
        600,
        20,
        4,
    ),
    (
        "pastrami",
        "Hand-Sliced Pastrami (½ lb)",
        "Brisket brined for ten days, smoked over oak and sliced to order.",
        1200,
        18,
        4,
    ),
    ("smoked-salmon", "Smoked Salmon (4 oz)", "Cold-smoked Atlantic salmon, cured with dill and juniper.", 950, 14, 4),
    (
        "cave-aged-cheddar",
        "Cave-Aged Cheddar (8 oz)",
        "A crumbly 18-month cheddar from a Vermont cave, cut from the wheel.",
        1100,
        12,
        3,
    ),
    (
        "lighthouse-shortbread",
        "Lighthouse Shortbread (box of 8)",
        "Butter shortbread stamped with the museum's lighthouse: the gift-shop favourite.",
        1000,
        25,
        5,
    ),
];

fn pickup_hours() -> PickupHours {
    PickupHours {
        first_start: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
        close: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
        length: Duration::minutes(15),
        capacity: 6,
    }
}

/// Seeds the shop of the museum's organization: products and codes once, and pickup windows
/// from `first` for `days` days.
pub async fn seed(db: &Db, venue: &Venue, first: NaiveDate, days: u32, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    super::catalogue::set_shop_name(db, venue.orq, SHOP_NAME).await?;
    for (slug, name, description, price_minor, stock, low_stock_threshold) in PRODUCTS {
        let product = NewProduct {
            slug: slug.into(),
            name: name.into(),
            description: description.into(),
            image_path: format!("/shop/img/{slug}.svg"),
            price_minor,
            currency: Currency::USD,
            stock,
            low_stock_threshold,
        };
        create_product(db, venue.orq, &product, now).await?;
    }
    for code in codes(now) {
        discounts::create(db, venue.orq, &code, now).await?;
    }
    ensure_windows(db, venue, &pickup_hours(), first, days).await
}

fn codes(now: DateTime<Utc>) -> Vec<NewDiscountCode> {
    let code = |text: &str| DiscountCode::parse(text).unwrap_or_else(|| unreachable!("a demo code is not empty"));
    vec![
        NewDiscountCode {
            code: code("WELCOME10"),
            kind: DiscountKind::Percent,
            amount: 10,
            currency: Currency::USD,
            min_order_minor: 1500,
            valid_from: now - Duration::days(30),
            valid_until: Some(now + Duration::days(365)),
            usage_limit: None,
            per_customer_limit: Some(1),
        },
        NewDiscountCode {
            code: code("HARBOR5"),
            kind: DiscountKind::Fixed,
            amount: 500,
            currency: Currency::USD,
            min_order_minor: 3000,
            valid_from: now - Duration::days(30),
            valid_until: Some(now + Duration::days(90)),
            usage_limit: Some(100),
            per_customer_limit: None,
        },
    ]
}
