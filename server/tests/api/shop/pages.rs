//! The shop's pages over HTTP as a browser without JavaScript uses them: the cart lives in an
//! HttpOnly cookie, a form holds stock, the checkout leads to a confirmation only that browser
//! sees, anyone else needs the phone, and the live stream follows other carts' holds.
use crate::support::{backend_tests, Backend, EventStream, TestApp};
use gatehouse::ids::ShopProductId;
use gatehouse::shop::catalogue;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use server::config::HttpLimits;

/// One browser without JavaScript: it keeps the cookie it is given and never follows redirects
/// (each test reads where it is sent).
struct Browser<'a> {
    app: &'a TestApp,
    http: reqwest::Client,
    cookie: Option<String>,
}

impl<'a> Browser<'a> {
    fn new(app: &'a TestApp) -> Self {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Browser { app, http, cookie: None }
    }

    /// Posts a form to a server function; answers the status and where it sends the browser.
    async fn post(&mut self, endpoint: &str, form: &[(&str, &str)]) -> (u16, String) {
        let mut request = self
            .http
            .post(format!("{}/sfn/{endpoint}", self.app.base))
            .header("accept", "text/html")
            .header("referer", format!("{}/shop", self.app.base))
            .form(form);
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, cookie);
        }
        let res = request.send().await.expect("request");
        if let Some(set) = res.headers().get(SET_COOKIE) {
            let set = set.to_str().expect("ascii").to_string();
            assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
            self.cookie = set.split(';').next().map(str::to_string);
        }
        let location = res.headers().get(LOCATION).map(|l| l.to_str().expect("ascii").to_string()).unwrap_or_default();
        (res.status().as_u16(), location)
    }

    async fn page(&self, path: &str) -> String {
        let mut request = self.http.get(format!("{}{path}", self.app.base));
        if let Some(cookie) = &self.cookie {
            request = request.header(COOKIE, cookie);
        }
        let res = request.send().await.expect("request");
        assert_eq!(res.status().as_u16(), 200, "{path}");
        res.text().await.expect("body")
    }
}

async fn product(app: &TestApp, slug: &str) -> ShopProductId {
    let products =
        catalogue::products(&app.engine.db, app.orq().await, None, app.engine.now()).await.expect("products");
    products.iter().find(|p| p.slug == slug).map(|p| p.id).expect("a demo product")
}

/// The first pickup window still open today or later, as the checkout page lists it.
async fn open_window(app: &TestApp) -> String {
    let (id,): (i64,) = gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as(
        "SELECT id FROM shop_pickup_windows WHERE starts_at > $1 ORDER BY starts_at LIMIT 1")
        .bind(app.engine.now()).fetch_one(pool).await)
    .expect("a window");
    id.to_string()
}

/// Two of a product reserved from `browser`'s cart: the reservation's code.
async fn place_two(browser: &mut Browser<'_>, product: ShopProductId, window: &str) -> String {
    browser.post("shop_add", &[("product", &product.to_string()), ("quantity", "2")]).await;
    let (_, location) = browser.post("shop_checkout", &checkout_form(window, "2025550143")).await;
    location.strip_prefix("/shop/order?code=").expect("a confirmation").to_string()
}

fn checkout_form<'a>(window: &'a str, phone: &'a str) -> [(&'static str, &'a str); 4] {
    [("window", window), ("name", "Ada"), ("phone", phone), ("country", "US")]
}

backend_tests! {
    async fn a_form_holds_stock_for_the_browsers_cart_and_the_page_says_until_when(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let babka = product(&app, "chocolate-babka").await.to_string();
        let mut browser = Browser::new(&app);
        assert!(browser.page("/shop").await.contains("Nothing in your cart yet."));

        let (status, _) = browser.post("shop_add", &[("product", &babka), ("quantity", "5")]).await;
        assert!(status < 400, "{status}");
        assert!(browser.cookie.as_deref().is_some_and(|c| c.starts_with("gatehouse_cart=cart_")), "{:?}", browser.cookie);
        let page = browser.page("/shop").await;
        assert!(page.contains("Held for you until"), "{page}");
        assert!(page.contains("5 in your cart"), "{page}");
        // Another browser sees the stock held away from it: 8 made, 5 held, threshold 3.
        let other = Browser::new(&app).page("/shop").await;
        assert!(other.contains("Only 3 left"), "{other}");
        assert!(!other.contains("Held for you until"));

        browser.post("shop_set", &[("product", &babka), ("quantity", "0")]).await;
        assert!(Browser::new(&app).page("/shop").await.contains("Available"));
    }
}

backend_tests! {
    async fn the_confirmation_shows_only_to_the_browser_that_placed_it_and_otherwise_asks_for_the_phone(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let bun = product(&app, "cardamom-bun").await.to_string();
        let window = open_window(&app).await;
        let mut browser = Browser::new(&app);
        browser.post("shop_add", &[("product", &bun), ("quantity", "2")]).await;
        let (_, location) = browser
            .post("shop_checkout", &[
                ("window", &window), ("name", "Ada Baker"), ("phone", "(202) 555-0143"), ("country", "US"),
                ("email", ""), ("instructions", ""), ("discount", ""),
            ])
            .await;
        let code = location.strip_prefix("/shop/order?code=").unwrap_or_else(|| panic!("sent to {location}")).to_string();

        let mine = browser.page(&location).await;
        assert!(mine.contains("Reserved for pickup") && mine.contains("Ada Baker") && mine.contains("<svg"), "{mine}");
        let stranger = Browser::new(&app).page(&location).await;
        assert!(stranger.contains("enter the phone number it was made with"), "{stranger}");
        assert!(!stranger.contains("Ada Baker"), "no name without the phone");
        let wrong = Browser::new(&app).page(&format!("/shop/lookup?code={code}&country=US&phone=2025550199")).await;
        assert!(wrong.contains("No reservation matches this code and phone number."), "{wrong}");
        let right = Browser::new(&app).page(&format!("/shop/lookup?code={code}&country=US&phone=2025550143")).await;
        assert!(right.contains("Ada Baker") && right.contains("Received"), "{right}");
    }
}

backend_tests! {
    async fn a_checkout_without_a_pickup_time_or_with_a_bad_phone_is_refused_and_holds_stay(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let bun = product(&app, "cardamom-bun").await.to_string();
        let window = open_window(&app).await;
        let mut browser = Browser::new(&app);
        browser.post("shop_add", &[("product", &bun), ("quantity", "1")]).await;
        // A browser sends no radio at all when none is chosen.
        let (_, no_window) =
            browser.post("shop_checkout", &[("name", "Ada"), ("phone", "2025550143"), ("country", "US")]).await;
        assert!(no_window.contains("__err"), "{no_window}");
        let (_, bad_phone) = browser.post("shop_checkout", &checkout_form(&window, "12")).await;
        assert!(bad_phone.contains("__err"), "{bad_phone}");
        let orders = app.scalar("SELECT COUNT(*) FROM shop_orders WHERE id > $1", 0).await;
        assert_eq!(orders, 0, "nothing was ordered");
        assert!(browser.page("/shop").await.contains("1 in your cart"), "the hold stays");
    }
}

backend_tests! {
    async fn the_live_stream_sends_the_stock_again_when_another_cart_holds_some(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let orq = app.orq().await;
        let babka = product(&app, "chocolate-babka").await;
        let mut stream = EventStream::open(&app, &format!("/live/shop?venue={orq}")).await;
        let first = stream.next("stock").await.expect("the first state");
        let babka_of = |stock: &serde_json::Value| {
            stock.as_array().expect("a list").iter().find(|p| p["id"] == babka.0).cloned().expect("babka")
        };
        assert_eq!(babka_of(&first)["available"], 8);

        let mut shopper = Browser::new(&app);
        shopper.post("shop_add", &[("product", &babka.to_string()), ("quantity", "6")]).await;
        let next = stream.next("stock").await.expect("a new state");
        assert_eq!(babka_of(&next)["available"], 2);
        assert_eq!(babka_of(&next)["availability"]["state"], "ONLY_LEFT");
    }
}

/// Holding is budgeted per address: an address churning carts to keep a product from everyone
/// is told to wait, and browsing stays free.
#[tokio::test]
async fn the_third_hold_in_a_minute_from_one_address_is_refused_when_the_budget_is_two() {
    let app =
        TestApp::spawn_with(Backend::Sqlite, HttpLimits { hold_per_minute: 2, ..crate::support::no_rate_limits() })
            .await;
    app.seed_demo().await;
    let bun = product(&app, "cardamom-bun").await.to_string();
    for _ in 0..2 {
        let (status, _) = Browser::new(&app).post("shop_add", &[("product", &bun), ("quantity", "1")]).await;
        assert_ne!(status, 429);
    }
    let (status, _) = Browser::new(&app).post("shop_add", &[("product", &bun), ("quantity", "1")]).await;
    assert_eq!(status, 429);
    assert!(Browser::new(&app).page("/shop").await.contains("Cardamom Bun"), "browsing is not limited");
}

backend_tests! {
    async fn the_customer_cancels_until_the_order_is_ready_and_the_stock_goes_back(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let bun = product(&app, "cardamom-bun").await;
        let window = open_window(&app).await;
        let stock = || async { app.scalar("SELECT stock FROM shop_products WHERE id = $1", bun.0).await };
        let before = stock().await;
        let mut browser = Browser::new(&app);
        let code = place_two(&mut browser, bun, &window).await;
        assert_eq!(stock().await, before - 2);

        // Another browser without the phone cannot; the browser that placed it can.
        let (_, refused) = Browser::new(&app).post("shop_cancel", &[("code", &code)]).await;
        assert!(refused.contains("__err"), "{refused}");
        assert_eq!(stock().await, before - 2);
        let (_, back) = browser.post("shop_cancel", &[("code", &code)]).await;
        assert_eq!(back, format!("/shop/order?code={code}"));
        assert_eq!(stock().await, before);
        assert!(browser.page(&back).await.contains("Reservation cancelled"));

        // Once it is ready, it is the counter's to hand over or mark not collected.
        let second = place_two(&mut browser, bun, &window).await;
        let order = gatehouse::shop::orders::by_code(
            &app.engine.db,
            app.orq().await,
            &gatehouse::shop::ReservationCode::parse(&second).expect("a code"),
        )
        .await
        .expect("read")
        .expect("the order");
        gatehouse::shop::orders::set_status(&app.engine, app.orq().await, order.id, gatehouse::shop::OrderStatus::Ready)
            .await
            .expect("ready");
        let (_, refused) = Browser::new(&app)
            .post("shop_cancel", &[("code", &second), ("phone", "(202) 555-0143"), ("country", "US")])
            .await;
        assert!(refused.contains("__err"), "{refused}");
        assert_eq!(stock().await, before - 2, "a ready order keeps its stock");
    }
}
