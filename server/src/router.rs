//! The HTTP surface: Leptos pages and server functions, the REST API, health and static files.
use crate::config::HttpLimits;
use crate::rate_limit::RateLimits;
use crate::state::AppState;
use app::{shell, App};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use gatehouse::Engine;
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{generate_route_list, render_app_async_with_context, LeptosRoutes};
use std::path::{Path, PathBuf};

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
    let site_root = PathBuf::from(state.leptos_options.site_root.as_ref());
    let client = crate::assets::client_files(&site_root, &state.leptos_options.output_name);
    let page = {
        let client = client.clone();
        move || shell(client.clone())
    };
    let not_found = {
        let render = render_app_async_with_context(context.clone(), page.clone());
        // Only the app's routes are pages; the app's fallback renders the 404 page, and this
        // makes sure the status says so.
        move |req: Request| {
            let rendered = render(req);
            async move {
                let mut res = rendered.await;
                if res.status() == StatusCode::OK {
                    *res.status_mut() = StatusCode::NOT_FOUND;
                }
                res
            }
        }
    };
    Router::new()
        .route("/healthz", get(healthz))
        .route("/tickets/{code}/visit.ics", get(crate::downloads::visit_ics))
        .route("/tickets/{code}/qr.png", get(crate::downloads::qr_png))
        .route("/live/slots", get(crate::live::day_slots))
        .merge(crate::api::routes())
        .leptos_routes_with_context(&state, routes, context, page.clone())
        .nest_service("/pkg", crate::assets::client(&site_root, &client))
        .fallback_service(crate::assets::public(&site_root, not_found))
        .layer(crate::panics::as_page())
        .layer(axum::middleware::from_fn(crate::sfn_errors::shape))
        .layer(crate::assets::compression())
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
