//! Holds expire by the engine's clock alone: no sweeper, no sleeping.
use super::fixture::{add, cart, form, phone, Shop};
use crate::support::{backend_tests, Backend};
use chrono::Duration;
use gatehouse::error::DomainError;
use gatehouse::shop::checkout::checkout;
use gatehouse::shop::{catalogue, holds, ShopError, Shortage};

backend_tests! {
    /// A cart holding the last units keeps others out until its hold runs out; then another
    /// cart gets them, with no job having run.
    async fn an_expired_hold_frees_its_stock_without_a_sweeper(backend: Backend) {
        let shop = Shop::new(backend).await;
        let product = shop.product("babka", 1600, 5).await;
        add(&shop.engine, shop.orq, &cart(1), product, 5).await.expect("first cart holds all");
        let refused = add(&shop.engine, shop.orq, &cart(2), product, 1).await;
        assert!(matches!(refused, Err(ShopError::NotEnoughStock { available: 0, .. })), "{refused:?}");
        shop.clock.advance(Duration::minutes(10) - Duration::seconds(1));
        assert!(add(&shop.engine, shop.orq, &cart(2), product, 1).await.is_err(), "still held at 9:59");
        shop.clock.advance(Duration::seconds(1));
        add(&shop.engine, shop.orq, &cart(2), product, 5).await.expect("free at 10:00");
        let listed = catalogue::product(&shop.engine.db, shop.orq, product, None, shop.now()).await.expect("q").expect("p");
        assert_eq!((listed.stock, listed.available), (5, 0));
        shop.assert_held_is_counted(product).await;
    }
}

backend_tests! {
    /// Activity extends every live hold of the cart by the hold time, never past the cap; an
    /// expired hold is not revived.
    async fn activity_extends_holds_up_to_the_cap(backend: Backend) {
        let shop = Shop::new(backend).await;
        let product = shop.product("croissant", 375, 10).await;
        let placed = add(&shop.engine, shop.orq, &cart(1), product, 2).await.expect("hold");
        assert_eq!(placed.expires_at, shop.now() + Duration::minutes(10));
        for _ in 0..3 {
            shop.clock.advance(Duration::minutes(9));
            assert_eq!(holds::extend(&shop.engine, &cart(1)).await.expect("extend"), 1);
        }
        // 27 minutes in: extended to 37, capped at 30.
        let c = holds::cart(&shop.engine.db, shop.orq, &cart(1), shop.now()).await.expect("cart");
        assert_eq!(c.expires_at, Some(placed.expires_at - Duration::minutes(10) + Duration::minutes(30)));
        shop.clock.advance(Duration::minutes(3));
        assert_eq!(holds::extend(&shop.engine, &cart(1)).await.expect("extend"), 0, "expired holds stay expired");
        let c = holds::cart(&shop.engine.db, shop.orq, &cart(1), shop.now()).await.expect("cart");
        assert_eq!(c.expires_at, None);
        assert!(c.lines[0].is_expired(shop.now()), "the expired line is still shown");
    }
}

backend_tests! {
    /// Removing a line or emptying the cart gives the stock back at once.
    async fn removing_and_emptying_release_at_once(backend: Backend) {
        let shop = Shop::new(backend).await;
        let product = shop.product("rolls", 600, 3).await;
        let window = shop.window(1, 8, 0).await;
        add(&shop.engine, shop.orq, &cart(1), product, 3).await.expect("hold");
        holds::remove(&shop.engine, &cart(1), product).await.expect("remove");
        add(&shop.engine, shop.orq, &cart(2), product, 3).await.expect("free again");
        holds::hold_window(&shop.engine, shop.orq, &cart(2), window).await.expect("window");
        holds::empty(&shop.engine, &cart(2)).await.expect("empty");
        assert_eq!(shop.scalar("SELECT COUNT(*) FROM shop_holds WHERE orq = $1", shop.orq).await, 0);
        assert_eq!(shop.scalar("SELECT held FROM shop_products WHERE id = $1", product).await, 0);
        add(&shop.engine, shop.orq, &cart(3), product, 3).await.expect("free again");
    }
}

backend_tests! {
    /// A checkout after the hold ran out and others took the stock names the item and what is
    /// left, and writes nothing; the item still in stock is not named.
    async fn checkout_after_expiry_with_the_stock_gone_names_the_item(backend: Backend) {
        let shop = Shop::new(backend).await;
        let bread = shop.product("sourdough", 850, 3).await;
        let buns = shop.product("cardamom-bun", 425, 10).await;
        let window = shop.window(1, 12, 0).await;
        add(&shop.engine, shop.orq, &cart(1), bread, 3).await.expect("hold bread");
        add(&shop.engine, shop.orq, &cart(1), buns, 2).await.expect("hold buns");
        shop.clock.advance(Duration::minutes(11));
        add(&shop.engine, shop.orq, &cart(2), bread, 2).await.expect("someone else takes two");
        let refused = checkout(&shop.engine, shop.orq, form(&cart(1), window, phone(1), None)).await;
        let Err(ShopError::ItemsGone(items)) = refused else { panic!("{refused:?}") };
        assert_eq!(items, vec![Shortage { product_id: bread, name: "sourdough".into(), wanted: 3, available: 1 }]);
        assert_eq!((shop.stock(bread).await, shop.stock(buns).await), (3, 10), "nothing taken");
        assert_eq!(shop.booked(window).await, 0);
        assert_eq!(shop.scalar("SELECT COUNT(*) FROM shop_orders WHERE orq = $1", shop.orq).await, 0);
        let e = ShopError::ItemsGone(items);
        assert_eq!(e.code(), "ITEMS_GONE");
    }
}

backend_tests! {
    /// After expiry with the stock still there, the checkout goes through.
    async fn checkout_after_expiry_with_the_stock_still_there_succeeds(backend: Backend) {
        let shop = Shop::new(backend).await;
        let bread = shop.product("sourdough", 850, 3).await;
        let window = shop.window(1, 12, 0).await;
        add(&shop.engine, shop.orq, &cart(1), bread, 2).await.expect("hold");
        shop.clock.advance(Duration::hours(1));
        let placed = checkout(&shop.engine, shop.orq, form(&cart(1), window, phone(1), None)).await.expect("placed");
        assert_eq!(placed.price.total.minor, 1700);
        assert_eq!(shop.stock(bread).await, 1);
    }
}

backend_tests! {
    /// The minute job's cleanup deletes holds expired longer ago than the grace, and nothing
    /// live.
    async fn cleanup_deletes_only_long_expired_holds(backend: Backend) {
        let shop = Shop::new(backend).await;
        let product = shop.product("focaccia", 700, 10).await;
        add(&shop.engine, shop.orq, &cart(1), product, 1).await.expect("hold");
        shop.clock.advance(Duration::minutes(20));
        add(&shop.engine, shop.orq, &cart(2), product, 1).await.expect("hold");
        let grace = Duration::minutes(5);
        assert_eq!(holds::cleanup_expired(&shop.engine, grace).await.expect("cleanup"), 1);
        assert_eq!(holds::active_holds(&shop.engine.db, shop.orq, shop.now()).await.expect("list").len(), 1);
        shop.assert_held_is_counted(product).await;
        assert_eq!(shop.scalar("SELECT held FROM shop_products WHERE id = $1", product).await, 1);
    }
}

backend_tests! {
    /// An expired hold that another cart's write has already reclaimed still checks out while
    /// the stock covers it, and the `held` counter stays equal to the counted holds throughout.
    async fn a_reclaimed_hold_checks_out_while_the_stock_covers_it(backend: Backend) {
        let shop = Shop::new(backend).await;
        let bread = shop.product("sourdough", 850, 5).await;
        let window = shop.window(1, 12, 0).await;
        add(&shop.engine, shop.orq, &cart(1), bread, 2).await.expect("hold");
        shop.clock.advance(Duration::minutes(15));
        add(&shop.engine, shop.orq, &cart(2), bread, 1).await.expect("another cart's write reclaims");
        assert_eq!(shop.scalar("SELECT held FROM shop_products WHERE id = $1", bread).await, 1);
        shop.assert_held_is_counted(bread).await;
        add(&shop.engine, shop.orq, &cart(3), bread, 4).await.expect("the reclaimed units are free");
        assert!(add(&shop.engine, shop.orq, &cart(4), bread, 1).await.is_err(), "and now all held");
        holds::remove(&shop.engine, &cart(3), bread).await.expect("release");
        checkout(&shop.engine, shop.orq, form(&cart(1), window, phone(1), None)).await.expect("placed");
        assert_eq!(shop.stock(bread).await, 3);
        assert_eq!(shop.held_and_sold(bread).await, (1, 2));
        shop.assert_held_is_counted(bread).await;
    }
}
