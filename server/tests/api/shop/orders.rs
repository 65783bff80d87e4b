//! After checkout: status changes, stock returned, lookup, the counter, the analytics.
use super::fixture::{add, cart, form, phone, Shop};
use crate::support::{backend_tests, Backend};
use gatehouse::error::DomainError;
use gatehouse::shop::checkout::checkout;
use gatehouse::shop::orders::{self, lookup, set_status};
use gatehouse::shop::{analytics, catalogue, OrderStatus, ReservationCode};

backend_tests! {
    /// Cancelling gives the units and the place back; so does a no-show; a completed order
    /// stays completed.
    async fn cancel_and_no_show_return_the_stock(backend: Backend) {
        let shop = Shop::new(backend).await;
        let product = shop.product("pastrami", 1200, 10).await;
        let window = shop.window(1, 12, 0).await;
        let first = shop.order(1, product, 3, window).await;
        assert_eq!((shop.stock(product).await, shop.booked(window).await), (7, 1));
        set_status(&shop.engine, shop.orq, first.order_id, OrderStatus::Cancelled).await.expect("cancel");
        assert_eq!((shop.stock(product).await, shop.booked(window).await), (10, 0));
        let again = set_status(&shop.engine, shop.orq, first.order_id, OrderStatus::Cancelled).await;
        assert_eq!(again.map_err(|e| e.code()), Err("STATUS_CHANGE_REFUSED"), "stock is returned once");
        assert_eq!(shop.stock(product).await, 10);

        let second = shop.order(2, product, 4, window).await;
        set_status(&shop.engine, shop.orq, second.order_id, OrderStatus::Confirmed).await.expect("confirm");
        set_status(&shop.engine, shop.orq, second.order_id, OrderStatus::Ready).await.expect("ready");
        set_status(&shop.engine, shop.orq, second.order_id, OrderStatus::NoShow).await.expect("no-show");
        assert_eq!((shop.stock(product).await, shop.booked(window).await), (10, 0));

        let third = shop.order(3, product, 2, window).await;
        set_status(&shop.engine, shop.orq, third.order_id, OrderStatus::Ready).await.expect("ready");
        set_status(&shop.engine, shop.orq, third.order_id, OrderStatus::Completed).await.expect("completed");
        let back = set_status(&shop.engine, shop.orq, third.order_id, OrderStatus::Cancelled).await;
        assert_eq!(back.map_err(|e| e.code()), Err("STATUS_CHANGE_REFUSED"));
        assert_eq!(shop.stock(product).await, 8);
    }
}

backend_tests! {
    /// The code and the phone find the order with its items; a wrong code and a wrong phone get
    /// the same answer.
    async fn lookup_needs_the_code_and_the_phone(backend: Backend) {
        let shop = Shop::new(backend).await;
        let product = shop.product("shortbread", 1000, 10).await;
        let window = shop.window(2, 16, 45).await;
        let placed = shop.order(1, product, 2, window).await;
        let typed = ReservationCode::parse(&placed.code.as_str().to_lowercase().replace('-', " ")).expect("code");
        let order = lookup(&shop.engine.db, shop.orq, &typed, &phone(1)).await.expect("found");
        assert_eq!(order.status, OrderStatus::Pending);
        assert_eq!(order.items.len(), 1);
        assert_eq!((order.items[0].quantity, order.items[0].line_total_minor), (2, 2000));
        assert_eq!(order.total_minor, 2000);
        assert_eq!(order.instructions, "Sliced, please");
        let wrong_phone = lookup(&shop.engine.db, shop.orq, &placed.code, &phone(2)).await.expect_err("wrong phone");
        let other = ReservationCode::from_parts(&[1, 2, 3, 4, 5, 6, 7]);
        let wrong_code = lookup(&shop.engine.db, shop.orq, &other, &phone(1)).await.expect_err("wrong code");
        assert_eq!(wrong_phone.code(), "ORDER_NOT_FOUND");
        assert_eq!((wrong_phone.to_string(), wrong_phone.status()), (wrong_code.to_string(), wrong_code.status()));
    }
}

backend_tests! {
    /// The counter sees the day's pickups grouped by window in order, cancelled ones left out;
    /// the analytics count the same orders.
    async fn the_counter_and_the_analytics_see_the_days_orders(backend: Backend) {
        let shop = Shop::new(backend).await;
        let bread = shop.product("sourdough", 850, 20).await;
        let buns = shop.product("bun", 425, 20).await;
        let (early, late) = (shop.window(1, 9, 0).await, shop.window(1, 15, 30).await);
        shop.order(1, bread, 2, late).await;
        let a = shop.order(2, buns, 1, early).await;
        let b = shop.order(3, bread, 1, early).await;
        let gone = shop.order(4, buns, 5, late).await;
        set_status(&shop.engine, shop.orq, gone.order_id, OrderStatus::Cancelled).await.expect("cancel");
        set_status(&shop.engine, shop.orq, a.order_id, OrderStatus::Completed).await.expect("collected");
        set_status(&shop.engine, shop.orq, b.order_id, OrderStatus::NoShow).await.expect_err("pending cannot be a no-show");
        set_status(&shop.engine, shop.orq, b.order_id, OrderStatus::Confirmed).await.expect("confirm");
        set_status(&shop.engine, shop.orq, b.order_id, OrderStatus::NoShow).await.expect("no-show");

        let day = shop.venue.today(shop.now()) + chrono::Duration::days(1);
        let counter = orders::pickups_on(&shop.engine.db, shop.orq, day).await.expect("counter");
        let shape: Vec<(String, usize)> =
            counter.iter().map(|w| (w.start_time.format("%H:%M").to_string(), w.orders.len())).collect();
        assert_eq!(shape, vec![("09:00".to_string(), 2), ("15:30".to_string(), 1)]);
        assert_eq!(counter[0].orders[0].items[0].name, "bun");

        let top = analytics::most_reserved(&shop.engine.db, shop.orq, day, day, 5).await.expect("top");
        let top: Vec<(&str, i64)> = top.iter().map(|p| (p.name.as_str(), p.quantity)).collect();
        assert_eq!(top, vec![("sourdough", 3), ("bun", 1)]);
        let f = analytics::fulfilment(&shop.engine.db, shop.orq, day, day).await.expect("fulfilment");
        assert_eq!((f.completed, f.no_show, f.cancelled, f.open), (1, 1, 1, 1));
        assert_eq!(f.rate_percent(), Some(50.0));
        let pattern = analytics::pickup_pattern(&shop.engine.db, shop.orq, day, day).await.expect("pattern");
        assert_eq!(pattern.by_weekday_hour.iter().flatten().sum::<i64>(), 3);
    }
}

backend_tests! {
    /// The low-stock list shows products at or under their threshold.
    async fn low_stock_lists_products_at_their_threshold(backend: Backend) {
        let shop = Shop::new(backend).await;
        let plenty = shop.product("plenty", 100, 50).await;
        let few = shop.product("few", 100, 4).await;
        let window = shop.window(1, 9, 0).await;
        shop.order(1, few, 2, window).await;
        let low = catalogue::low_stock(&shop.engine.db, shop.orq, shop.now()).await.expect("low stock");
        assert_eq!(low.iter().map(|p| p.id).collect::<Vec<_>>(), vec![few]);
        assert_ne!(low[0].id, plenty);
    }
}

backend_tests! {
    /// A code under its minimum is refused with the minimum and the order is not placed.
    async fn a_discount_under_its_minimum_is_refused_and_nothing_is_written(backend: Backend) {
        let shop = Shop::new(backend).await;
        gatehouse::demo::seed_demo(&shop.engine.db, shop.engine.clock.as_ref()).await.expect("demo");
        let museum = gatehouse::org::organization_by_slug(&shop.engine.db, gatehouse::demo::DEMO_SLUG)
            .await.expect("q").expect("demo");
        let products = catalogue::products(&shop.engine.db, museum.id, None, shop.now()).await.expect("products");
        assert!((8..=12).contains(&products.len()), "{}", products.len());
        let croissant = products.iter().find(|p| p.slug == "butter-croissant").expect("croissant").id;
        let window: (gatehouse::ids::PickupWindowId,) = gatehouse::on_pool!(&shop.engine.db, pool => sqlx::query_as(
            "SELECT id FROM shop_pickup_windows WHERE orq = $1 AND starts_at > $2 ORDER BY starts_at LIMIT 1")
            .bind(museum.id).bind(shop.now()).fetch_one(pool).await).expect("window");
        add(&shop.engine, museum.id, &cart(1), croissant, 2).await.expect("hold");
        let refused = checkout(&shop.engine, museum.id, form(&cart(1), window.0, phone(1), Some("welcome10"))).await;
        let e = refused.expect_err("under the minimum");
        assert_eq!(e.code(), "DISCOUNT_REFUSED");
        assert_eq!(e.details()["discount"]["reason"], "BELOW_MINIMUM");
        assert!(e.to_string().contains("$15.00"), "{e}");
        add(&shop.engine, museum.id, &cart(1), croissant, 2).await.expect("more");
        let placed = checkout(&shop.engine, museum.id, form(&cart(1), window.0, phone(1), Some("welcome10"))).await.expect("placed");
        assert_eq!((placed.price.subtotal.minor, placed.price.discount.minor, placed.price.total.minor), (1500, 150, 1350));
        let again = gatehouse::demo::seed_demo(&shop.engine.db, shop.engine.clock.as_ref()).await.expect("demo again");
        assert_eq!(again.slots_created, 0);
        let products_after = catalogue::products(&shop.engine.db, museum.id, None, shop.now()).await.expect("products");
        assert_eq!(products_after.len(), products.len(), "seeding twice creates nothing twice");
    }
}

backend_tests! {
    /// A customer cancels with code and phone while the order is pending; once staff marked it
    /// ready, the customer can no longer.
    async fn a_customer_cancels_with_code_and_phone_until_it_is_ready(backend: Backend) {
        let shop = Shop::new(backend).await;
        let product = shop.product("babka", 1600, 5).await;
        let window = shop.window(1, 10, 0).await;
        let first = shop.order(1, product, 2, window).await;
        orders::cancel_by_customer(&shop.engine, shop.orq, &first.code, &phone(1)).await.expect("cancelled");
        assert_eq!(shop.stock(product).await, 5);
        let second = shop.order(2, product, 1, window).await;
        set_status(&shop.engine, shop.orq, second.order_id, OrderStatus::Ready).await.expect("ready");
        let late = orders::cancel_by_customer(&shop.engine, shop.orq, &second.code, &phone(2)).await;
        assert_eq!(late.map_err(|e| e.code()), Err("STATUS_CHANGE_REFUSED"));
        let wrong = orders::cancel_by_customer(&shop.engine, shop.orq, &second.code, &phone(3)).await;
        assert_eq!(wrong.map_err(|e| e.code()), Err("ORDER_NOT_FOUND"));
        assert_eq!(shop.stock(product).await, 4);
    }
}
