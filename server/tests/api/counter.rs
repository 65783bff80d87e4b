//! The shop counter over HTTP, as its page uses it: an operator's (or an admin's) session and its
//! form token; each status move one conditional write; the stock and the pickup place given back
//! on cancel and no-show; refusals without a session, with a wrong token, or for a move the
//! order's status does not allow. Then the admin's Shop section: live holds, low stock and the
//! figures. Orders are placed through the shop's own domain functions.
use crate::staff::{csrf_of, Staff};
use crate::support::{backend_tests, venue_day, Backend};
use chrono::NaiveTime;
use gatehouse::contact::PhoneE164;
use gatehouse::ids::{OrgId, PickupWindowId, ShopOrderId, ShopProductId};
use gatehouse::shop::checkout::{checkout, CheckoutForm, Placed};
use gatehouse::shop::{catalogue, holds, orders, windows};
use gatehouse::shop::{CartId, CustomerName, Instructions, OrderStatus, Quantity};
use reqwest::header::{ACCEPT, COOKIE, LOCATION, REFERER};
use serde_json::Value;

/// A signed-in member of staff at the counter, in the demo organization (whose shop the demo
/// seeds: ten products and pickup windows every 15 minutes).
struct Counter {
    staff: Staff,
    cookie: String,
    csrf: String,
    orq: OrgId,
    /// Today's 12:00 window (the tests' clock says 10:00 at the venue).
    window: PickupWindowId,
    /// Harbor Sourdough Loaf: 24 in stock.
    bread: ShopProductId,
}

impl Counter {
    async fn operator(backend: Backend) -> Counter {
        let staff = Staff::new(backend).await;
        let cookie = staff.signed_in_operator().await;
        let csrf = csrf_of(&staff.get("/operator", &cookie).await.text().await.expect("body"));
        Counter::at(staff, cookie, csrf).await
    }

    async fn admin(backend: Backend) -> Counter {
        let staff = Staff::new(backend).await;
        let cookie = staff.signed_in_admin().await;
        let csrf = csrf_of(&staff.get("/admin", &cookie).await.text().await.expect("body"));
        Counter::at(staff, cookie, csrf).await
    }

    async fn at(staff: Staff, cookie: String, csrf: String) -> Counter {
        let (app, orq) = (&staff.app, staff.app.orq().await);
        let now = app.engine.now();
        let products = catalogue::products(&app.engine.db, orq, None, now).await.expect("products");
        let bread = products.iter().find(|p| p.slug == "harbor-sourdough").expect("the demo's sourdough").id;
        let noon = NaiveTime::from_hms_opt(12, 0, 0).expect("time");
        let today = windows::windows_on(&app.engine.db, orq, venue_day(0), None, now).await.expect("windows");
        let window = today.iter().find(|w| w.start_time == noon).expect("a 12:00 window").id;
        Counter { staff, cookie, csrf, orq, window, bread }
    }

    /// Customer `n` reserves `quantity` loaves for today at noon.
    async fn order(&self, n: usize, quantity: i64) -> Placed {
        let engine = &self.staff.app.engine;
        let cart = CartId::parse(&format!("cart_counter_{n:04}")).expect("cart");
        holds::add(engine, self.orq, &cart, self.bread, Quantity::new(quantity).expect("quantity"))
            .await
            .expect("hold");
        let form = CheckoutForm {
            cart,
            window: self.window,
            name: CustomerName::parse(&format!("Customer {n}")).expect("name"),
            phone: PhoneE164::parse(&format!("+1202555{:04}", 100 + n)).expect("phone"),
            email: None,
            instructions: Instructions::parse("Sliced, please").expect("instructions"),
            discount: None,
        };
        checkout(engine, self.orq, form).await.expect("checkout")
    }

    /// `counter_move` as the hydrated page posts it; `cookie` is the session's or none.
    async fn move_with(&self, cookie: Option<&str>, csrf: &str, order: ShopOrderId, to: &str) -> (u16, Value) {
        let order = order.0.to_string();
        self.call(cookie, "counter_move", &[("csrf", csrf), ("order", &order), ("to", to)]).await
    }

    /// A server function as a page posts it, with the session's cookie or none.
    async fn call(&self, cookie: Option<&str>, function: &str, form: &[(&str, &str)]) -> (u16, Value) {
        self.staff.server_fn(cookie, function, form).await
    }

    async fn move_to(&self, order: ShopOrderId, to: &str) -> (u16, Value) {
        self.move_with(Some(&self.cookie), &self.csrf, order, to).await
    }

    async fn moved(&self, order: ShopOrderId, to: &str) {
        let (status, body) = self.move_to(order, to).await;
        assert_eq!(status, 200, "to {to}: {body}");
    }

    async fn status(&self, placed: &Placed) -> OrderStatus {
        orders::by_code(&self.staff.app.engine.db, self.orq, &placed.code).await.expect("query").expect("order").status
    }

    /// The loaves not yet sold, and the noon window's places taken.
    async fn stock_and_booked(&self) -> (i64, i64) {
        let app = &self.staff.app;
        let now = app.engine.now();
        let bread = catalogue::product(&app.engine.db, self.orq, self.bread, None, now).await.expect("query");
        let today = windows::windows_on(&app.engine.db, self.orq, venue_day(0), None, now).await.expect("windows");
        let noon = today.iter().find(|w| w.id == self.window).expect("the window");
        (bread.expect("the sourdough").stock, noon.booked)
    }

    async fn page(&self, path: &str) -> String {
        let res = self.staff.get(path, &self.cookie).await;
        assert_eq!(res.status().as_u16(), 200, "{path}");
        res.text().await.expect("body")
    }
}

backend_tests! {
    async fn an_operator_moves_an_order_from_received_to_picked_up(backend: Backend) {
        let counter = Counter::operator(backend).await;
        let placed = counter.order(1, 2).await;
        assert_eq!(counter.status(&placed).await, OrderStatus::Pending);
        for (to, then) in [("CONFIRMED", OrderStatus::Confirmed), ("READY", OrderStatus::Ready), ("COMPLETED", OrderStatus::Completed)] {
            counter.moved(placed.order_id, to).await;
            assert_eq!(counter.status(&placed).await, then);
        }
        assert_eq!(counter.stock_and_booked().await, (22, 1), "a collected order keeps its stock and place");
    }

    async fn an_admin_may_serve_at_the_counter_too(backend: Backend) {
        let counter = Counter::admin(backend).await;
        let placed = counter.order(1, 1).await;
        counter.moved(placed.order_id, "READY").await;
        assert_eq!(counter.status(&placed).await, OrderStatus::Ready);
        let html = counter.page("/operator/counter").await;
        assert!(html.contains("Adam Admin"), "{html}");
    }

    async fn cancelling_and_a_no_show_give_the_stock_and_the_place_back_once(backend: Backend) {
        let counter = Counter::operator(backend).await;
        let first = counter.order(1, 3).await;
        let second = counter.order(2, 4).await;
        assert_eq!(counter.stock_and_booked().await, (17, 2));

        counter.moved(first.order_id, "CANCELLED").await;
        assert_eq!(counter.stock_and_booked().await, (20, 1));
        let (status, body) = counter.move_to(first.order_id, "CANCELLED").await;
        assert_eq!((status, body["code"].as_str()), (409, Some("STATUS_CHANGE_REFUSED")), "{body}");
        assert_eq!(counter.stock_and_booked().await, (20, 1), "given back once");

        counter.moved(second.order_id, "CONFIRMED").await;
        counter.moved(second.order_id, "NO_SHOW").await;
        assert_eq!(counter.status(&second).await, OrderStatus::NoShow);
        assert_eq!(counter.stock_and_booked().await, (24, 0));
    }

    async fn a_move_without_a_session_or_with_a_wrong_token_changes_nothing(backend: Backend) {
        let counter = Counter::operator(backend).await;
        let placed = counter.order(1, 2).await;
        let (status, body) = counter.move_with(None, &counter.csrf, placed.order_id, "CANCELLED").await;
        assert_eq!((status, body["code"].as_str()), (401, Some("NOT_SIGNED_IN")), "{body}");
        let (status, body) = counter.move_with(Some(&counter.cookie), "forged", placed.order_id, "CANCELLED").await;
        assert_eq!((status, body["code"].as_str()), (403, Some("CSRF_INVALID")), "{body}");
        assert_eq!(counter.status(&placed).await, OrderStatus::Pending);
        assert_eq!(counter.stock_and_booked().await, (22, 1));
    }

    async fn a_move_the_orders_status_does_not_allow_is_refused_by_name(backend: Backend) {
        let counter = Counter::operator(backend).await;
        let placed = counter.order(1, 2).await;
        let (status, body) = counter.move_to(placed.order_id, "NO_SHOW").await;
        assert_eq!((status, body["code"].as_str()), (409, Some("STATUS_CHANGE_REFUSED")), "{body}");
        assert_eq!(body["message"], "An order that is received cannot become not collected.");
        counter.moved(placed.order_id, "COMPLETED").await;
        for to in ["READY", "CANCELLED", "PENDING"] {
            let (status, body) = counter.move_to(placed.order_id, to).await;
            assert_eq!((status, body["code"].as_str()), (409, Some("STATUS_CHANGE_REFUSED")), "{to}: {body}");
        }
        assert_eq!(counter.status(&placed).await, OrderStatus::Completed);
        let (status, body) = counter.move_to(ShopOrderId(placed.order_id.0 + 1000), "READY").await;
        assert_eq!((status, body["code"].as_str()), (404, Some("ORDER_NOT_FOUND")), "{body}");
    }

    async fn a_form_posted_without_javascript_moves_the_order_and_returns_to_the_counter(backend: Backend) {
        let counter = Counter::operator(backend).await;
        let placed = counter.order(1, 2).await;
        let from = format!("{}/operator/counter?code={}", counter.staff.app.base, placed.code);
        let order = placed.order_id.0.to_string();
        let res = counter
            .staff
            .app
            .http
            .post(format!("{}/sfn/counter_move", counter.staff.app.base))
            .header(COOKIE, &counter.cookie)
            .header(REFERER, &from)
            .header(ACCEPT, "text/html")
            .form(&[("csrf", counter.csrf.as_str()), ("order", &order), ("to", "READY")])
            .send()
            .await
            .expect("request");
        // reqwest follows the redirect back to the counter, which shows the order as ready.
        assert_eq!((res.url().path(), res.url().query()), ("/operator/counter", Some(format!("code={}", placed.code).as_str())));
        let html = res.text().await.expect("body");
        assert!(html.contains("Ready for pickup"), "{html}");
        assert_eq!(counter.status(&placed).await, OrderStatus::Ready);
    }
}

backend_tests! {
    async fn the_counter_lists_the_days_pickups_and_opens_an_order_by_its_code(backend: Backend) {
        let counter = Counter::operator(backend).await;
        let placed = counter.order(7, 2).await;
        let code = placed.code.as_str();

        let today = counter.page("/operator/counter").await;
        assert!(today.contains(code) && today.contains("Customer 7"), "{today}");
        assert!(today.contains("2 × Harbor Sourdough Loaf") && today.contains("Sliced, please"), "{today}");
        assert!(today.contains("12:00"), "grouped under its window: {today}");
        assert!(today.contains("Received"), "{today}");

        let tomorrow = counter.page(&format!("/operator/counter?date={}", venue_day(1))).await;
        assert!(!tomorrow.contains(code) && tomorrow.contains("No pickups this day."), "{tomorrow}");

        // As typed at the counter: lower case, without its dash; the day shown stays tomorrow.
        let typed = code.replace('-', "").to_lowercase();
        let opened = counter.page(&format!("/operator/counter?date={}&code={typed}", venue_day(1))).await;
        assert!(opened.contains(&format!("{code}</h2>")), "opened first, under its own heading: {opened}");
        assert!(opened.contains("Mark ready"), "{opened}");

        let mut typo = code.to_string();
        let last = typo.pop().expect("a character");
        typo.push(if last == 'A' { 'B' } else { 'A' });
        let refused = counter.page(&format!("/operator/counter?code={typo}")).await;
        assert!(refused.contains("This code has a typo"), "{refused}");
    }

    async fn the_counter_without_a_session_leads_to_the_sign_in(backend: Backend) {
        let counter = Counter::operator(backend).await;
        let res = counter.staff.get("/operator/counter", "").await;
        assert_eq!(res.headers().get(LOCATION).and_then(|l| l.to_str().ok()), Some("/operator/login"));
    }
}

backend_tests! {
    async fn the_admins_shop_section_shows_live_holds_low_stock_and_the_figures(backend: Backend) {
        let counter = Counter::admin(backend).await;
        let engine = &counter.staff.app.engine;
        let cart = CartId::parse("cart_counter_held").expect("cart");
        holds::add(engine, counter.orq, &cart, counter.bread, Quantity::new(2).expect("quantity")).await.expect("hold");
        let placed = counter.order(1, 20).await;
        counter.moved(placed.order_id, "COMPLETED").await;

        let (status, report) = counter.call(Some(&counter.cookie), "admin_shop", &[("from", ""), ("until", "")]).await;
        assert_eq!(status, 200, "{report}");
        let rows = |table: &str| report[table]["rows"].clone();
        let hold = &rows("holds")[0];
        assert_eq!((hold[0].as_str(), hold[1].as_str()), (Some("Harbor Sourdough Loaf"), Some("2")), "{report}");
        assert!(hold[4].as_str().is_some_and(|e| e.ends_with("(in 10 min)")), "{hold}");
        assert_eq!(rows("low_stock"), serde_json::json!([["Harbor Sourdough Loaf", "4", "5"]]));
        assert_eq!(rows("most_reserved"), serde_json::json!([["Harbor Sourdough Loaf", "20", "1"]]));
        assert_eq!(report["pattern"]["header"], serde_json::json!(["Weekday", "12:00"]));
        assert_eq!(rows("pattern")[0], serde_json::json!(["Monday", "1"]), "the tests' today is a Monday");
        let fulfilment = report["fulfilment"].as_str().unwrap_or_default();
        assert!(fulfilment.starts_with("100% — 1 of 1 due pickups collected"), "{fulfilment}");

        let (status, low) = counter.call(Some(&counter.cookie), "admin_low_stock", &[]).await;
        assert_eq!((status, low[0]["name"].as_str(), low[0]["stock"].as_i64()), (200, Some("Harbor Sourdough Loaf"), Some(4)));
    }

    async fn the_shop_section_is_the_admins_only(backend: Backend) {
        let counter = Counter::operator(backend).await;
        for cookie in [None, Some(counter.cookie.as_str())] {
            let (status, body) = counter.call(cookie, "admin_shop", &[("from", ""), ("until", "")]).await;
            assert_eq!((status, body["code"].as_str()), (401, Some("NOT_SIGNED_IN")), "{body}");
        }
    }
}
