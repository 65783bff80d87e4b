//! The shop's REST endpoints over real HTTP on the demo deli: browse, hold, choose a window,
//! check out with a code, look the order up.
use crate::support::{backend_tests, code_of, Backend, TestApp};
use serde_json::{json, Value};

backend_tests! {
    async fn a_customer_browses_holds_checks_out_and_looks_up_over_http(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let orq = app.orq().await;
        let (status, body) = app.post("/api/shop/carts", json!({})).await;
        assert_eq!(status, 200, "{body}");
        let cart = body["data"]["cart"].as_str().expect("cart id").to_string();

        let (status, body) = app.get_json(&format!("/api/shop/products?orq={orq}")).await;
        assert_eq!(status, 200, "{body}");
        let products = body["data"].as_array().expect("products");
        let babka = products.iter().find(|p| p["product"]["slug"] == "chocolate-babka").expect("babka");
        assert_eq!(babka["availability"]["state"], "AVAILABLE");
        let babka_id = babka["product"]["id"].clone();

        let add = json!({ "orq": orq, "cart": cart, "product_id": babka_id, "quantity": 9 });
        let (status, body) = app.post("/api/shop/cart/items", add).await;
        assert_eq!((status, code_of(&body)), (409, "NOT_ENOUGH_STOCK"), "{body}");
        assert_eq!(body["error"]["available"], 8);
        let add = json!({ "orq": orq, "cart": cart, "product_id": babka_id, "quantity": 2 });
        let (status, body) = app.post("/api/shop/cart/items", add).await;
        assert_eq!(status, 200, "{body}");

        let date = crate::support::venue_day(1);
        let (_, body) = app.get_json(&format!("/api/shop/windows?orq={orq}&date={date}")).await;
        let window = &body["data"][0];
        assert_eq!(window["load"], "QUIET");
        let window_id = window["window"]["id"].clone();

        let checkout = json!({
            "orq": orq, "cart": cart, "window_id": window_id, "name": "Ada Lovelace",
            "phone": "+1 202 555 0142", "instructions": "Sliced", "discount_code": "welcome 10",
        });
        let (status, body) = app.post("/api/shop/checkout", checkout).await;
        assert_eq!(status, 200, "{body}");
        let placed: &Value = &body["data"];
        assert_eq!(placed["price"]["subtotal"]["minor"], 3200);
        assert_eq!(placed["price"]["discount"]["minor"], 320);
        let code = placed["code"].as_str().expect("code").to_lowercase();

        let (status, body) = app.post("/api/shop/lookup", json!({ "orq": orq, "code": code, "phone": "+12025550142" })).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["status"], "PENDING");
        assert_eq!(body["data"]["items"][0]["quantity"], 2);
        let (status, body) = app.post("/api/shop/lookup", json!({ "orq": orq, "code": code, "phone": "+12025550143" })).await;
        assert_eq!((status, code_of(&body)), (404, "ORDER_NOT_FOUND"), "{body}");
    }
}

/// The demo deli's pictures ship with Gatehouse: each product's image is a file in `public/`,
/// an SVG with a title naming the product.
#[tokio::test]
async fn every_demo_product_has_its_picture_in_public() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let orq = app.orq().await;
    let (status, body) = app.get_json(&format!("/api/shop/products?orq={orq}")).await;
    assert_eq!(status, 200, "{body}");
    let products = body["data"].as_array().expect("products");
    assert_eq!(products.len(), 10);
    let public = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
    for p in products {
        let path = p["product"]["image_path"].as_str().expect("an image path");
        let svg = std::fs::read_to_string(public.join(path.trim_start_matches('/'))).expect(path);
        let name = p["product"]["name"].as_str().expect("a name").replace('&', "&amp;");
        assert!(svg.starts_with("<svg") && svg.contains(&format!("<title>{name}</title>")), "{path}");
    }
}
