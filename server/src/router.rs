//! The HTTP surface: Leptos pages and server functions, the REST API, health and static files.
use crate::config::HttpLimits;
use crate::rate_limit::RateLimits;
use crate::state::AppState;
use app::{shell, App};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use gatehouse::Engine;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};
use std::path::Path;

pub fn leptos_options(site_root: &Path, listen: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("gatehouse")
        .site_root(site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(listen)
        .build()
}

/// `limits` sets the request budgets; the connection limits are `crate::serve`'s.
pub fn router(engine: Engine, leptos_options: LeptosOptions, limits: &HttpLimits) -> Router {
    let state = AppState { leptos_options, engine: engine.clone() };
    let context = move || {
        provide_context(engine.clone());
        crate::security::provide_request_nonce();
    };
    let routes = generate_route_list(App);
    Router::new()
        .route("/healthz", get(healthz))
        .route("/tickets/{code}/visit.ics", get(crate::downloads::visit_ics))
        .route("/tickets/{code}/qr.png", get(crate::downloads::qr_png))
        .route("/live/slots", get(crate::live::day_slots))
        .merge(crate::api::routes())
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(crate::panics::as_page())
        .layer(axum::middleware::from_fn(crate::sfn_errors::shape))
        .with_state(state)
        .layer(axum::middleware::from_fn_with_state(RateLimits::new(limits), crate::rate_limit::limit))
        .layer(axum::middleware::from_fn_with_state(crate::security::Site::from_env(), crate::security::guard))
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if state.engine.db.is_reachable().await {
        (StatusCode::OK, Json(serde_json::json!({ "status": "ok" })))
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "database unreachable" })))
    }
}
