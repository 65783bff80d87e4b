//! Races on stock, on a window's places and on a discount code's uses.
use super::fixture::{add, cart, form, phone, Shop, WINDOW_CAPACITY};
use crate::support::{backend_tests, Backend};
use gatehouse::error::DomainError;
use gatehouse::shop::checkout::checkout;
use gatehouse::shop::discount::{DiscountCode, DiscountKind};
use gatehouse::shop::discounts::{self, NewDiscountCode};
use gatehouse::shop::{holds, Currency};
use gatehouse::Engine;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Outcomes of attempts that must each win or lose with `loser`: the number that won.
async fn wins<T, E: DomainError + std::fmt::Debug>(
    attempts: Vec<tokio::task::JoinHandle<Result<T, E>>>,
    loser: &str,
) -> usize {
    let mut won = 0;
    for attempt in attempts {
        match attempt.await.expect("task") {
            Ok(_) => won += 1,
            Err(e) => assert_eq!(e.code(), loser, "{e:?}"),
        }
    }
    won
}

backend_tests! {
    /// 500 carts each add one unit and, when they got it, check out at once, while a watcher
    /// reads held + sold again and again: it never passes 50, exactly 50 orders are placed, and
    /// the stock left is what the orders did not take.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn five_hundred_carts_competing_for_fifty_units_never_get_more_than_fifty(backend: Backend) {
        let shop = Shop::new(backend).await;
        let product = shop.product("sourdough", 850, 50).await;
        let window = shop.window(1, 12, 0).await;
        shop.set_window_capacity(window, 1000).await;
        let shop = Arc::new(shop);
        let done = Arc::new(AtomicBool::new(false));
        let watcher = {
            let (shop, done) = (shop.clone(), done.clone());
            tokio::spawn(async move {
                let mut most = 0;
                while !done.load(Ordering::Relaxed) {
                    let (held, sold) = shop.held_and_sold(product).await;
                    most = most.max(held + sold);
                    tokio::task::yield_now().await;
                }
                most
            })
        };
        let attempts: Vec<_> = (0..500)
            .map(|i| {
                let shop = shop.clone();
                tokio::spawn(async move {
                    add(&shop.engine, shop.orq, &cart(i), product, 1).await?;
                    checkout(&shop.engine, shop.orq, form(&cart(i), window, phone(i), None)).await
                })
            })
            .collect();
        let placed = wins(attempts, "NOT_ENOUGH_STOCK").await;
        done.store(true, Ordering::Relaxed);
        let most = watcher.await.expect("watcher");
        assert_eq!(placed, 50);
        assert!(most <= 50, "held + sold reached {most}");
        assert_eq!(shop.sold(product).await, 50, "exactly the successful checkouts hold stock");
        assert_eq!(shop.stock(product).await, 0);
        assert_eq!(shop.scalar("SELECT COUNT(*) FROM shop_orders WHERE window_id = $1", window).await, 50);
        assert_eq!(shop.booked(window).await, 50);
        assert_eq!(shop.scalar("SELECT COUNT(*) FROM shop_holds WHERE product_id = $1", product).await, 0);
        shop.assert_held_is_counted(product).await;
    }
}

backend_tests! {
    /// Two engines (two batchers: two instances of Gatehouse) on one database, 400 carts split
    /// between them for 50 units: 50 holds in all, and their checkouts take the stock to zero.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_engines_on_one_database_share_the_stock_exactly(backend: Backend) {
        let shop = Shop::new(backend).await;
        let product = shop.product("babka", 1600, 50).await;
        let window = shop.window(1, 9, 0).await;
        shop.set_window_capacity(window, 1000).await;
        let engines = [shop.engine.clone(), Engine::new(shop.engine.db.clone(), shop.engine.clock.clone())];
        let orq = shop.orq;
        let attempts: Vec<_> = (0..400)
            .map(|i| {
                let engine = engines[i % 2].clone();
                tokio::spawn(async move { add(&engine, orq, &cart(i), product, 1).await.map(|_| i) })
            })
            .collect();
        let mut winners = Vec::new();
        for attempt in attempts {
            match attempt.await.expect("task") {
                Ok(i) => winners.push(i),
                Err(e) => assert_eq!(e.code(), "NOT_ENOUGH_STOCK", "{e:?}"),
            }
        }
        assert_eq!(winners.len(), 50);
        assert_eq!(shop.held_and_sold(product).await, (50, 0));
        let checkouts: Vec<_> = winners
            .iter()
            .map(|&i| {
                let engine = engines[(i + 1) % 2].clone();
                tokio::spawn(async move { checkout(&engine, orq, form(&cart(i), window, phone(i), None)).await })
            })
            .collect();
        assert_eq!(wins(checkouts, "NONE").await, 50);
        assert_eq!(shop.stock(product).await, 0);
        assert_eq!(shop.held_and_sold(product).await, (0, 50));
        shop.assert_held_is_counted(product).await;
    }
}

backend_tests! {
    /// 100 carts choose one window of 6 places at once: 6 hold it; the others are told it is
    /// full, and a checkout into it without a hold is refused too.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_pickup_windows_capacity_is_never_exceeded(backend: Backend) {
        let shop = Arc::new(Shop::new(backend).await);
        let product = shop.product("croissant", 375, 1000).await;
        let window = shop.window(1, 10, 30).await;
        let attempts: Vec<_> = (0..100)
            .map(|i| {
                let shop = shop.clone();
                tokio::spawn(async move {
                    add(&shop.engine, shop.orq, &cart(i), product, 1).await?;
                    holds::hold_window(&shop.engine, shop.orq, &cart(i), window).await?;
                    Ok::<_, gatehouse::shop::ShopError>(i)
                })
            })
            .collect();
        let mut holders = Vec::new();
        for attempt in attempts {
            match attempt.await.expect("task") {
                Ok(i) => holders.push(i),
                Err(e) => assert_eq!(e.code(), "WINDOW_FULL", "{e:?}"),
            }
        }
        assert_eq!(holders.len() as i64, WINDOW_CAPACITY);
        let stranger = (0..100).find(|i| !holders.contains(i)).expect("a cart without the window");
        let refused = checkout(&shop.engine, shop.orq, form(&cart(stranger), window, phone(stranger), None)).await;
        assert_eq!(refused.map(|_| ()).map_err(|e| e.code()), Err("WINDOW_FULL"));
        for &i in &holders {
            checkout(&shop.engine, shop.orq, form(&cart(i), window, phone(i), None)).await.expect("holder checks out");
        }
        assert_eq!(shop.booked(window).await, WINDOW_CAPACITY);
        assert_eq!(shop.scalar("SELECT COUNT(*) FROM shop_orders WHERE window_id = $1", window).await, 6);
    }
}

async fn code(
    shop: &Shop,
    text: &str,
    usage_limit: Option<i64>,
    per_customer_limit: Option<i64>,
) -> gatehouse::ids::DiscountCodeId {
    let new = NewDiscountCode {
        code: DiscountCode::parse(text).expect("code"),
        kind: DiscountKind::Percent,
        amount: 20,
        currency: Currency::USD,
        min_order_minor: 0,
        valid_from: shop.now() - chrono::Duration::days(1),
        valid_until: None,
        usage_limit,
        per_customer_limit,
    };
    discounts::create(&shop.engine.db, shop.orq, &new, shop.now()).await.expect("insert").expect("new code")
}

backend_tests! {
    /// 200 carts check out at once with a single-use code: one order gets it, the others are
    /// refused and write nothing.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn two_hundred_checkouts_with_a_single_use_code_use_it_exactly_once(backend: Backend) {
        let shop = Arc::new(Shop::new(backend).await);
        let product = shop.product("pastrami", 1200, 1000).await;
        let window = shop.window(1, 11, 0).await;
        shop.set_window_capacity(window, 1000).await;
        let code_id = code(&shop, "ONCE", Some(1), None).await;
        for i in 0..200 {
            add(&shop.engine, shop.orq, &cart(i), product, 1).await.expect("hold");
        }
        let attempts: Vec<_> = (0..200)
            .map(|i| {
                let shop = shop.clone();
                tokio::spawn(async move { checkout(&shop.engine, shop.orq, form(&cart(i), window, phone(i), Some("once"))).await })
            })
            .collect();
        assert_eq!(wins(attempts, "DISCOUNT_REFUSED").await, 1);
        assert_eq!(discounts::used_count(&shop.engine.db, code_id).await.expect("count"), 1);
        assert_eq!(shop.scalar("SELECT COUNT(*) FROM shop_discount_redemptions WHERE code_id = $1", code_id).await, 1);
        assert_eq!(shop.scalar("SELECT COUNT(*) FROM shop_orders WHERE window_id = $1", window).await, 1);
        assert_eq!(shop.scalar("SELECT COUNT(*) FROM shop_orders WHERE discount_minor = 240 AND window_id = $1", window).await, 1);
        assert_eq!(shop.stock(product).await, 999, "refused checkouts took no stock");
        assert_eq!(shop.booked(window).await, 1, "nor a place");
    }
}

backend_tests! {
    /// One customer (one phone) racing 20 carts with a once-per-customer code gets it once; a
    /// second customer still can.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_once_per_customer_code_is_used_once_by_each_customer(backend: Backend) {
        let shop = Arc::new(Shop::new(backend).await);
        let product = shop.product("cheddar", 1100, 1000).await;
        let window = shop.window(1, 11, 15).await;
        shop.set_window_capacity(window, 1000).await;
        let code_id = code(&shop, "WELCOME", None, Some(1)).await;
        for i in 0..21 {
            add(&shop.engine, shop.orq, &cart(i), product, 1).await.expect("hold");
        }
        let attempts: Vec<_> = (0..20)
            .map(|i| {
                let shop = shop.clone();
                tokio::spawn(async move { checkout(&shop.engine, shop.orq, form(&cart(i), window, phone(7), Some("welcome"))).await })
            })
            .collect();
        assert_eq!(wins(attempts, "DISCOUNT_REFUSED").await, 1);
        checkout(&shop.engine, shop.orq, form(&cart(20), window, phone(8), Some("WELCOME"))).await.expect("another customer");
        assert_eq!(discounts::used_count(&shop.engine.db, code_id).await.expect("count"), 2);
    }
}
