//! A shop of its own per test: an organization with a New York venue, pickup windows every 15
//! minutes from 08:00 to 18:00 for a week, and products made by each test. The engine is used
//! directly (no HTTP): these tests prove the domain's rules and storage.
use crate::support::{test_now, Backend, TestDb};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use gatehouse::clock::ManualClock;
use gatehouse::contact::PhoneE164;
use gatehouse::ids::{OrgId, PickupWindowId, ShopProductId};
use gatehouse::org::Venue;
use gatehouse::shop::catalogue::{create_product, NewProduct};
use gatehouse::shop::checkout::{self, CheckoutForm, Placed};
use gatehouse::shop::discount::DiscountCode;
use gatehouse::shop::windows::{ensure_windows, PickupHours};
use gatehouse::shop::{holds, CartId, Currency, CustomerName, Instructions, Quantity, ShopError};
use gatehouse::Engine;
use std::sync::Arc;

pub struct Shop {
    pub engine: Engine,
    pub clock: ManualClock,
    pub orq: OrgId,
    pub venue: Venue,
    _db: TestDb,
}

pub const WINDOW_CAPACITY: i64 = 6;

impl Shop {
    pub async fn new(backend: Backend) -> Shop {
        let test_db = TestDb::new(backend).await;
        let clock = ManualClock::at(test_now());
        let engine = Engine::new(test_db.db.clone(), Arc::new(clock.clone()));
        let venue: Venue = gatehouse::on_pool!(&engine.db, pool => async {
            let (orq,): (OrgId,) = sqlx::query_as(
                "INSERT INTO organizations (slug, name, created_at) VALUES ('deli', 'Deli', $1) RETURNING id")
                .bind(test_now()).fetch_one(pool).await?;
            sqlx::query_as(
                "INSERT INTO venues (orq, name, time_zone) VALUES ($1, 'Deli', 'America/New_York')
                 RETURNING id, orq, name, time_zone, address")
                .bind(orq).fetch_one(pool).await
        }.await)
        .expect("organization and venue");
        let hours = PickupHours {
            first_start: NaiveTime::from_hms_opt(8, 0, 0).expect("time"),
            close: NaiveTime::from_hms_opt(18, 0, 0).expect("time"),
            length: Duration::minutes(15),
            capacity: WINDOW_CAPACITY,
        };
        let today = venue.today(test_now());
        ensure_windows(&engine.db, &venue, &hours, today, 7).await.expect("windows");
        Shop { orq: venue.orq, venue, engine, clock, _db: test_db }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.engine.now()
    }

    pub async fn product(&self, slug: &str, price_minor: i64, stock: i64) -> ShopProductId {
        let p = NewProduct {
            slug: slug.into(),
            name: slug.replace('-', " "),
            description: String::new(),
            image_path: format!("/shop/img/{slug}.svg"),
            price_minor,
            currency: Currency::USD,
            stock,
            low_stock_threshold: 2,
        };
        create_product(&self.engine.db, self.orq, &p, self.now()).await.expect("insert").expect("new product")
    }

    /// The window `days` after the venue's today starting at `hour`:`minute`.
    pub async fn window(&self, days: i64, hour: u32, minute: u32) -> PickupWindowId {
        let date = self.venue.today(test_now()) + Duration::days(days);
        let start = NaiveTime::from_hms_opt(hour, minute, 0).expect("time");
        gatehouse::on_pool!(&self.engine.db, pool => sqlx::query_as(
            "SELECT id FROM shop_pickup_windows WHERE date = $1 AND start_time = $2")
            .bind(date).bind(start).fetch_one(pool).await)
        .map(|(id,): (PickupWindowId,)| id)
        .expect("window")
    }

    pub async fn set_window_capacity(&self, window: PickupWindowId, capacity: i64) {
        self.exec("UPDATE shop_pickup_windows SET capacity = $2 WHERE id = $1", window.0, capacity).await;
    }

    pub async fn exec(&self, sql: &str, a: i64, b: i64) {
        gatehouse::on_pool!(&self.engine.db, pool => sqlx::query(sql).bind(a).bind(b).execute(pool).await.map(|_| ()))
            .expect(sql);
    }

    pub async fn scalar(&self, sql: &str, id: impl Into<i64>) -> i64 {
        let id: i64 = id.into();
        gatehouse::on_pool!(&self.engine.db, pool => sqlx::query_as(sql).bind(id).fetch_one(pool).await)
            .map(|(n,): (i64,)| n)
            .expect(sql)
    }

    pub async fn stock(&self, product: ShopProductId) -> i64 {
        self.scalar("SELECT stock FROM shop_products WHERE id = $1", product).await
    }

    /// Units of `product` in orders that still count (not cancelled, not no-show).
    pub async fn sold(&self, product: ShopProductId) -> i64 {
        self.scalar(
            "SELECT CAST(COALESCE(SUM(i.quantity), 0) AS BIGINT) FROM shop_order_items i
             JOIN shop_orders o ON o.id = i.order_id
             WHERE i.product_id = $1 AND o.status NOT IN ('CANCELLED', 'NO_SHOW')",
            product,
        )
        .await
    }

    /// Units of `product` held by live holds now, and sold, read in one statement (one snapshot).
    pub async fn held_and_sold(&self, product: ShopProductId) -> (i64, i64) {
        gatehouse::on_pool!(&self.engine.db, pool => sqlx::query_as(
            "SELECT CAST(COALESCE((SELECT SUM(quantity) FROM shop_holds WHERE product_id = $1 AND expires_at > $2), 0) AS BIGINT),
                    CAST(COALESCE((SELECT SUM(i.quantity) FROM shop_order_items i JOIN shop_orders o ON o.id = i.order_id
                                   WHERE i.product_id = $1 AND o.status NOT IN ('CANCELLED', 'NO_SHOW')), 0) AS BIGINT)")
            .bind(product).bind(self.now()).fetch_one(pool).await)
        .expect("held and sold")
    }

    /// The product's `held` counter equals the units of its counted holds.
    pub async fn assert_held_is_counted(&self, product: ShopProductId) {
        let counter = self.scalar("SELECT held FROM shop_products WHERE id = $1", product).await;
        let rows = self
            .scalar(
                "SELECT CAST(COALESCE(SUM(quantity), 0) AS BIGINT) FROM shop_holds WHERE product_id = $1 AND counted",
                product,
            )
            .await;
        assert_eq!(counter, rows, "held counter against counted holds");
    }

    pub async fn booked(&self, window: PickupWindowId) -> i64 {
        self.scalar("SELECT booked FROM shop_pickup_windows WHERE id = $1", window).await
    }
}

pub fn cart(n: usize) -> CartId {
    CartId::parse(&format!("cart_test_{n:06}")).expect("cart id")
}

pub fn phone(n: usize) -> PhoneE164 {
    PhoneE164::parse(&format!("+120255501{:02}", n % 100)).expect("phone")
}

pub fn form(cart: &CartId, window: PickupWindowId, phone: PhoneE164, discount: Option<&str>) -> CheckoutForm {
    CheckoutForm {
        cart: cart.clone(),
        window,
        name: CustomerName::parse("Ada Lovelace").expect("name"),
        phone,
        email: None,
        instructions: Instructions::parse("Sliced, please").expect("instructions"),
        discount: discount.and_then(DiscountCode::parse),
    }
}

pub async fn add(
    engine: &Engine,
    orq: OrgId,
    cart: &CartId,
    product: ShopProductId,
    n: i64,
) -> Result<holds::Held, ShopError> {
    holds::add(engine, orq, cart, product, Quantity::new(n).expect("quantity")).await
}

impl Shop {
    /// Holds `n` of `product` for a new cart `c` and checks out for `window` with phone `c`.
    pub async fn order(&self, c: usize, product: ShopProductId, n: i64, window: PickupWindowId) -> Placed {
        add(&self.engine, self.orq, &cart(c), product, n).await.expect("hold");
        checkout::checkout(&self.engine, self.orq, form(&cart(c), window, phone(c), None)).await.expect("checkout")
    }
}
