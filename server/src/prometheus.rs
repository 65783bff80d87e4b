//! `/metrics` for the people who run Gatehouse, in Prometheus's text format: the counters and
//! histograms `gatehouse::measures` records, and the open live streams counted here.
//!
//! Off unless configured (`GATEHOUSE_METRICS_TOKEN`, `GATEHOUSE_METRICS_LISTEN`): the figures
//! say how busy a venue is, so they are not public. Without either, no recorder is installed
//! and every measure is a no-op; `/metrics` is then the 404 page like any unknown address.
use crate::config::{HttpLimits, MetricsAccess};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::{Stream, StreamExt};
use gatehouse::measures::{
    ADMISSION_SECONDS, DOOR_CHECKS, RESERVATIONS_CREATED, RESERVATIONS_REFUSED, WRITE_BATCH_SIZE,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub const LIVE_STREAMS: &str = "gatehouse_live_streams";
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The process's recorder: installed on first use, once (`metrics` has one global recorder, so
/// several servers in one process, as in the tests, share it).
pub fn recorder() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(install).clone()
}

fn install() -> PrometheusHandle {
    let seconds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];
    let sizes = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];
    let builder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(ADMISSION_SECONDS.into()), &seconds)
        .and_then(|b| b.set_buckets_for_metric(Matcher::Full(WRITE_BATCH_SIZE.into()), &sizes));
    let recorder = match builder {
        Ok(builder) => builder.build_recorder(),
        Err(e) => {
            tracing::error!(error = %e, "metric buckets refused; histograms are reported as summaries");
            PrometheusBuilder::new().build_recorder()
        }
    };
    let handle = recorder.handle();
    if metrics::set_global_recorder(recorder).is_err() {
        tracing::warn!("another metrics recorder is installed; /metrics stays empty");
    }
    describe();
    let upkeep = handle.clone();
    // Histogram samples gather until drained: drain them even when nobody scrapes.
    std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || loop {
            std::thread::sleep(Duration::from_secs(5));
            upkeep.run_upkeep();
        })
        .map_err(|e| tracing::warn!(error = %e, "no metrics upkeep thread"))
        .ok();
    handle
}

fn describe() {
    metrics::describe_counter!(RESERVATIONS_CREATED, "Reservations booked");
    metrics::describe_counter!(RESERVATIONS_REFUSED, "Bookings a rule refused, by reason");
    metrics::describe_counter!(DOOR_CHECKS, "Attempts at the door, by action and outcome");
    metrics::describe_histogram!(ADMISSION_SECONDS, metrics::Unit::Seconds, "Time to admit a ticket holder");
    metrics::describe_histogram!(WRITE_BATCH_SIZE, "Writes committed together by the group-commit batcher");
    metrics::describe_gauge!(LIVE_STREAMS, "Open live-availability streams");
}

/// `/metrics` on the main address when only a token is configured (Bearer token required);
/// with `GATEHOUSE_METRICS_LISTEN` it is served on that address instead (see [`serve_apart`]).
pub fn on_main_listener(app: Router, access: &MetricsAccess) -> Router {
    match (&access.token, access.listen) {
        (Some(token), None) => app.merge(routes(Some(token))),
        _ => app,
    }
}

/// The `/metrics` route alone, behind `token` when there is one. Installs the recorder.
pub fn routes(token: Option<&str>) -> Router {
    let handle = recorder();
    let expected: Option<Arc<[u8]>> = token.map(|t| Arc::from(Sha256::digest(t.as_bytes()).as_slice()));
    Router::new().route(
        "/metrics",
        get(move |headers: HeaderMap| {
            let (handle, expected) = (handle.clone(), expected.clone());
            async move { render(&handle, expected.as_deref(), &headers) }
        }),
    )
}

fn render(handle: &PrometheusHandle, expected: Option<&[u8]>, headers: &HeaderMap) -> Response {
    if let Some(expected) = expected {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| Sha256::digest(t.trim().as_bytes()));
        // Digests compared, so the comparison's time says nothing about the token.
        if given.as_deref() != Some(expected) {
            return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer realm=\"metrics\"")], "")
                .into_response();
        }
    }
    ([(header::CONTENT_TYPE, CONTENT_TYPE), (header::CACHE_CONTROL, "no-store")], handle.render()).into_response()
}

/// Serves `/metrics` alone on `GATEHOUSE_METRICS_LISTEN` until the process ends, with the same
/// connection limits as the main address.
pub async fn serve_apart(access: &MetricsAccess, limits: &HttpLimits) -> Result<Option<std::net::SocketAddr>, String> {
    let Some(listen) = access.listen else { return Ok(None) };
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen} (GATEHOUSE_METRICS_LISTEN): {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let app = routes(access.token.as_deref());
    tokio::spawn(crate::serve::serve(listener, app, limits.clone(), std::future::pending()));
    Ok(Some(local))
}

/// `stream`, counted among the open live streams while it is held.
pub fn counted<S: Stream>(stream: S) -> impl Stream<Item = S::Item> {
    let open = OpenStream::new();
    stream.map(move |item| {
        let _held = &open;
        item
    })
}

struct OpenStream;

impl OpenStream {
    fn new() -> OpenStream {
        metrics::gauge!(LIVE_STREAMS).increment(1.0);
        OpenStream
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        metrics::gauge!(LIVE_STREAMS).decrement(1.0);
    }
}
