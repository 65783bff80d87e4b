//! The HTTP surface: Leptos pages and server functions, the REST API, health and static files.
use crate::config::HttpLimits;
use crate::rate_limit::RateLimits;
use crate::security::Site;
use crate::sfn_errors::Seal;
use crate::state::AppState;
use app::surface::{shell, ClientFiles};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, on, MethodFilter};
use axum::{Json, Router};
use gatehouse::Engine;
use leptos::prelude::{provide_context, IntoAny, IntoView, LeptosOptions};
use leptos_axum::{
    generate_route_list, handle_server_fns_with_context, render_app_async_with_context, AxumRouteListing, LeptosRoutes,
};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn leptos_options(site_root: &Path, listen: std::net::SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("gatehouse")
        .site_root(site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(listen)
        .build()
}

/// `limits` sets the request budgets; the connection limits are `crate::serve`'s. `site` says how
/// browsers reach the server (public URL, TLS); `seal` seals the errors sent back in addresses.
pub fn router(engine: Engine, leptos_options: LeptosOptions, limits: &HttpLimits, site: Site, seal: Seal) -> Router {
    let state = AppState { leptos_options, engine: engine.clone() };
    // The server renders every surface, so it words every surface's codes.
    app::error::word_more_codes(app::admin::refusal_words);
    let secure = site.is_https();
    let context = move || {
        provide_context(engine.clone());
        provide_context(app::cookies::ssr::SecureCookies(secure));
        crate::security::provide_request_nonce();
    };
    let site_root = PathBuf::from(state.leptos_options.site_root.as_ref());
    let routes = route_lists();
    let portal = crate::assets::client_files(&site_root, app::portal::SURFACE);
    let portal_pages = surface(&portal, app::portal::Portal, &routes.portal, None, context.clone());
    let staff = crate::assets::client_files(&site_root, app::staff::SURFACE);
    let staff_pages = surface(&staff, app::staff::Staff, &routes.staff, None, context.clone());
    let scanner = crate::assets::client_files(&site_root, app::scanner::SURFACE);
    let scanner_pages =
        surface(&scanner, app::scanner::Scanner, &routes.scanner, Some(app::scanner::MANIFEST), context.clone());
    let admin = crate::assets::client_files(&site_root, app::admin::SURFACE);
    let admin_pages = surface(&admin, app::admin::Admin, &routes.admin, None, context.clone());
    let shop = crate::assets::client_files(&site_root, app::shop::SURFACE);
    let shop_pages = surface(&shop, app::shop::Shop, &routes.shop, None, context.clone());
    let not_found = {
        // The missing page is served whole with the portal's styles and no client: it has one
        // link, and its venue's name is read here rather than by a client.
        let styles = portal.styles_only();
        let engine = state.engine.clone();
        let context = context.clone();
        move |req: Request| {
            let (styles, engine, context) = (styles.clone(), engine.clone(), context.clone());
            async move {
                let venue = app::server::ssr::main_venue(&engine).await.ok().map(|(_, venue)| venue.name);
                let page = move || shell(styles.clone(), app::portal::Portal, None).into_any();
                let with_venue = move || {
                    context();
                    if let Some(name) = venue.clone() {
                        provide_context(app::portal::not_found::MissingPageVenue(name));
                    }
                };
                // Only the surfaces' routes are pages; the portal's fallback renders the 404
                // page, and this makes sure the status says so.
                let mut res = render_app_async_with_context(with_venue, page)(req).await;
                if res.status() == StatusCode::OK {
                    *res.status_mut() = StatusCode::NOT_FOUND;
                }
                res
            }
        }
    };
    let db = state.engine.db.clone();
    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/tickets/{code}/visit.ics", get(crate::downloads::visit_ics))
        .route("/tickets/{code}/qr.png", get(crate::downloads::qr_png))
        .route("/tickets/{code}/card.png", get(crate::downloads::card_png))
        .route("/live/slots", get(crate::live::day_slots))
        .route("/live/shop", get(crate::live_shop::stock))
        .route("/admin/live/stream", get(crate::live_ops::stream))
        .route("/admin/analytics/{file}", get(crate::admin_exports::analytics_csv))
        .merge(crate::admin_downloads::routes())
        .merge(crate::api::routes())
        .merge(server_functions(context))
        .merge(portal_pages)
        .merge(staff_pages)
        .merge(scanner_pages)
        .merge(admin_pages)
        .merge(shop_pages)
        .nest_service("/pkg", crate::assets::client(&site_root, &[portal, staff, scanner, admin, shop]))
        .fallback_service(crate::assets::public(&site_root, not_found))
        .layer(crate::panics::as_page())
        .layer(axum::middleware::from_fn_with_state(seal, crate::sfn_errors::shape))
        .layer(crate::assets::compression())
        .with_state(state);
    crate::sessions::with_sessions(router, &db, secure)
        .layer(axum::middleware::from_fn_with_state(RateLimits::new(limits), crate::rate_limit::limit))
        .layer(axum::middleware::from_fn_with_state(site, crate::security::guard))
}

/// Each surface's routes.
struct RouteLists {
    portal: Vec<AxumRouteListing>,
    staff: Vec<AxumRouteListing>,
    scanner: Vec<AxumRouteListing>,
    admin: Vec<AxumRouteListing>,
    shop: Vec<AxumRouteListing>,
}

/// Listed once per process, before any router exists to render a page. Listing renders a surface
/// under leptos_server's process-global `SuppressResourceLoad`, and a resource that any other
/// render first polls meanwhile never loads (leptos #4773): its page hangs until the request
/// deadline. A process that builds a second router while the first serves (the tests build one
/// per test) would stall pages each time it listed again.
fn route_lists() -> &'static RouteLists {
    static LISTS: OnceLock<RouteLists> = OnceLock::new();
    LISTS.get_or_init(|| RouteLists {
        portal: generate_route_list(app::portal::Portal),
        staff: generate_route_list(app::staff::Staff),
        scanner: generate_route_list(app::scanner::Scanner),
        admin: generate_route_list(app::admin::Admin),
        shop: generate_route_list(app::shop::Shop),
    })
}

/// A surface's pages, each rendered in the surface's shell (which loads the surface's own client).
fn surface<V: IntoView + 'static>(
    client: &ClientFiles,
    root: fn() -> V,
    routes: &[AxumRouteListing],
    manifest: Option<&'static str>,
    context: impl Fn() + Clone + Send + Sync + 'static,
) -> Router<AppState> {
    let client = client.clone();
    let page = move || shell(client.clone(), root, manifest).into_any();
    Router::new().leptos_routes_with_handler(routes.to_vec(), render_app_async_with_context(context, page))
}

/// Every surface's server functions, once: each surface's pages are routed on their own, so that
/// each page is rendered in its own surface's shell.
fn server_functions<S: Clone + Send + Sync + 'static>(context: impl Fn() + Clone + Send + Sync + 'static) -> Router<S> {
    let mut router = Router::new();
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        let context = context.clone();
        let handler = move |req: Request| handle_server_fns_with_context(context, req);
        let method = MethodFilter::try_from(method).expect("server functions use plain HTTP methods");
        router = router.route(path, on(method, handler));
    }
    router
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if state.engine.db.is_reachable().await {
        (StatusCode::OK, Json(serde_json::json!({ "status": "ok" })))
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "database unreachable" })))
    }
}
