//! The REST API (PRD-007 §6): thin handlers that parse, call one core operation, and answer
//! `{ "success": true, "data": … }` or the error envelope.
mod customer;
pub mod error;
pub(crate) mod extract;
mod keys;
mod operator;
mod shop;

use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{any, get, post, put};
use axum::{Json, Router};
use serde::Serialize;
use serde_json::{json, Value};

/// API request bodies are small JSON objects; anything larger is refused before parsing.
/// Server functions take the same bound (`security`).
pub(crate) const BODY_LIMIT: usize = 16 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/tickets/validate", post(customer::validate_ticket))
        .route("/api/tickets/verify-contact", post(customer::verify_contact))
        .route("/api/tickets/{code}", get(customer::ticket_status))
        .route("/api/tickets/{code}/activate", post(operator::activate))
        .route("/api/reservation-slots/available", get(customer::available_slots))
        .route("/api/reservations/create", post(customer::create_reservation))
        .route("/api/reservations/change", post(customer::change_reservation))
        .route("/api/reservations/cancel", post(customer::cancel_reservation))
        .route("/api/operator/validate-ticket", post(operator::validate_ticket))
        .route("/api/operator/verify-ticket", post(operator::verify_ticket))
        .route("/api/operator/keys", get(keys::list))
        .route("/api/admin/keys/rotate", post(keys::rotate))
        .route("/api/admin/keys/{id}/retire", post(keys::retire))
        .route("/api/admin/slots/{id}/capacity", put(operator::set_slot_capacity))
        .route("/api/shop/products", get(shop::products))
        .route("/api/shop/carts", post(shop::new_cart))
        .route("/api/shop/cart", get(shop::show_cart))
        .route("/api/shop/cart/items", post(shop::add_item).put(shop::set_item))
        .route("/api/shop/cart/empty", post(shop::empty_cart))
        .route("/api/shop/cart/window", post(shop::hold_window))
        .route("/api/shop/windows", get(shop::pickup_windows))
        .route("/api/shop/checkout", post(shop::place_order))
        .route("/api/shop/lookup", post(shop::lookup))
        .route("/api/{*rest}", any(unknown_endpoint))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::map_response(name_the_bearer_scheme))
        .layer(crate::panics::as_json())
}

/// A 401 says how to authenticate (RFC 7235 §3.1): with a Bearer token (RFC 6750).
async fn name_the_bearer_scheme(mut res: Response) -> Response {
    if res.status() == StatusCode::UNAUTHORIZED {
        res.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"gatehouse\""));
    }
    res
}

pub fn ok(data: impl Serialize) -> Json<Value> {
    Json(json!({ "success": true, "data": data }))
}

async fn unknown_endpoint() -> error::ApiError {
    error::ApiError::new(404, "NOT_FOUND", "There is no API endpoint at this path.")
}
