//! What an admin downloads for a batch of tickets (an order): its CSV and its printable sheet of
//! QR cards. Admins of the order's organization only; never cached.
mod sheet;

use crate::state::AppState;
use app::server::ssr::ClientAddress;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use gatehouse::ids::OrderId;
use gatehouse::staff::session::StaffSession;
use gatehouse::tickets::{order, sheet as cards};
use tower_sessions::Session;

/// The signed-in admin behind the request; otherwise the answer to send (sign in first).
async fn admin(s: &AppState, session: &Session, client: Option<ClientAddress>) -> Result<StaffSession, Response> {
    let client = client.map_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |ClientAddress(ip)| ip);
    match app::admin::access::ssr::admin_of_request(&s.engine, session, client).await {
        Ok(Some(admin)) => Ok(admin),
        Ok(None) => Err((StatusCode::UNAUTHORIZED, "Sign in as an admin first.").into_response()),
        Err(e) => Err((StatusCode::from_u16(e.status).unwrap_or(StatusCode::FORBIDDEN), e.message).into_response()),
    }
}

fn failure(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "admin download failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// `/admin/orders/{order}/tickets.csv`
pub async fn order_csv(
    State(s): State<AppState>,
    Path(order_id): Path<i64>,
    session: Session,
    client: Option<axum::Extension<ClientAddress>>,
) -> Response {
    let admin = match admin(&s, &session, client.map(|c| c.0)).await {
        Ok(a) => a,
        Err(answer) => return answer,
    };
    let tickets = match order::tickets_of(&s.engine.db, admin.orq, OrderId(order_id)).await {
        Ok(t) if t.is_empty() => return (StatusCode::NOT_FOUND, "no such order").into_response(),
        Ok(t) => t,
        Err(e) => return failure(e),
    };
    let disposition = format!("attachment; filename=\"tickets-order-{order_id}.csv\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        order::csv(&tickets),
    )
        .into_response()
}

#[derive(serde::Deserialize)]
pub struct Part {
    part: Option<usize>,
}

/// `/admin/orders/{order}/cards?part=N`
pub async fn order_cards(
    State(s): State<AppState>,
    Path(order_id): Path<i64>,
    Query(Part { part }): Query<Part>,
    session: Session,
    client: Option<axum::Extension<ClientAddress>>,
) -> Response {
    let admin = match admin(&s, &session, client.map(|c| c.0)).await {
        Ok(a) => a,
        Err(answer) => return answer,
    };
    match cards::sheet(&s.engine.db, admin.orq, OrderId(order_id), part.unwrap_or(1), s.engine.now()).await {
        Ok(Some(found)) => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
            sheet::html(&found),
        )
            .into_response(),
        Ok(None) => (StatusCode::NOT_FOUND, "no such order or part").into_response(),
        Err(e) => failure(e),
    }
}

/// `/admin/orders/sheet.css`
pub async fn sheet_css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], sheet::CSS).into_response()
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/admin/orders/sheet.css", get(sheet_css))
        .route("/admin/orders/{order}/tickets.csv", get(order_csv))
        .route("/admin/orders/{order}/cards", get(order_cards))
}
