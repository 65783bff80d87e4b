//! Admin downloads that are files, not pages: `/admin/analytics/<table>.csv?from=…&until=…`,
//! each table of the analytics page as CSV. Admin session required, as for the page.
use crate::api::error::ApiError;
use crate::state::AppState;
use app::server::ssr::ClientAddress;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use gatehouse::analytics::{analyze, csv, DateRange, Table};
use gatehouse::error::DomainError;
use serde::Deserialize;
use std::net::{IpAddr, Ipv4Addr};
use tower_sessions::Session;

#[derive(Deserialize)]
pub struct RangeQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    until: String,
}

pub async fn analytics_csv(
    State(s): State<AppState>,
    session: Session,
    client: Option<Extension<ClientAddress>>,
    Path(file): Path<String>,
    Query(q): Query<RangeQuery>,
) -> Response {
    let Some(table) = file.strip_suffix(".csv").and_then(Table::from_slug) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let client = client.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |Extension(ClientAddress(ip))| ip);
    let admin = match app::admin::access::ssr::admin_of_request(&s.engine, &session, client).await {
        Ok(Some(admin)) => admin,
        Ok(None) => return Redirect::to(app::staff::login_path(gatehouse::staff::Role::Admin)).into_response(),
        Err(e) => return (StatusCode::from_u16(e.status).unwrap_or(StatusCode::FORBIDDEN), e.message).into_response(),
    };
    let range = match DateRange::parse(&q.from, &q.until) {
        Ok(range) => range,
        Err(e) => return problem(&e),
    };
    match analyze(&s.engine, admin.orq, range).await {
        Ok(figures) => {
            let name = format!("{}-{}-{}.csv", table.slug(), range.from(), range.until());
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                    (header::CACHE_CONTROL, "no-store".to_string()),
                ],
                csv::to_csv(&figures.table(table)),
            )
                .into_response()
        }
        Err(e) => problem(&e),
    }
}

fn problem(e: &dyn DomainError) -> Response {
    ApiError::domain(e).into_response()
}
