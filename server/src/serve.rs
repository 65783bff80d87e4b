//! Accepting and serving connections with the limits `axum::serve` lacks: a deadline for each
//! request's headers, connections closed when nothing moves on them, a cap on open connections,
//! and a graceful shutdown. Handlers see the peer as `ConnectInfo<SocketAddr>`.
//!
//! With `tls`, each connection's TLS handshake runs in its own task under the header deadline.
//!
//! HTTP/1.1 only, over TLS too (ALPN offers only http/1.1): hyper-util's HTTP/1-or-2 detection
//! reads the first bytes before any header deadline runs.
use crate::api::error::ApiError;
use crate::config::HttpLimits;
use axum::extract::{ConnectInfo, State};
use axum::http::{Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// Descriptors kept back from connections for the database pool, files and the listener.
const RESERVED_FILES: usize = 64;

/// Serves `router` over plain HTTP until `shutdown` completes, then lets requests in flight finish.
pub async fn serve(listener: TcpListener, router: Router, limits: HttpLimits, shutdown: impl Future<Output = ()>) {
    serve_with(listener, router, limits, None, shutdown).await
}

/// As [`serve`], over TLS when `tls` is given: then a client that does not complete a handshake
/// within the header deadline is dropped, and plain HTTP gets no answer.
pub async fn serve_with(
    listener: TcpListener,
    router: Router,
    limits: HttpLimits,
    tls: Option<TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
    // At the cap nothing more is accepted: new connections wait in the kernel's backlog and are
    // served as soon as one closes (header and idle deadlines see to that), instead of being
    // refused while a burst of idle sockets holds the slots.
    let slots = Arc::new(Semaphore::new(connection_cap(limits.max_connections)));
    let graceful = GracefulShutdown::new();
    let router = router.layer(axum::middleware::from_fn_with_state(limits.request_timeout, request_timeout));
    tokio::pin!(shutdown);
    loop {
        let (permit, stream, peer) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = accept(&listener, &slots) => match accepted {
                Some(accepted) => accepted,
                None => break,
            },
        };
        let activity = Arc::new(Activity::new());
        let service = {
            let (router, activity) = (router.clone(), activity.clone());
            hyper::service::service_fn(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                let handling = Handling::start(activity.clone());
                let response = router.clone().oneshot(request);
                async move {
                    let response = response.await;
                    drop(handling);
                    response
                }
            })
        };
        let watched = Watched { stream, activity: activity.clone() };
        let (http, watcher, tls) = (http.clone(), graceful.watcher(), tls.clone());
        let (idle_timeout, header_timeout) = (limits.idle_timeout, limits.header_timeout);
        tokio::spawn(async move {
            let _permit = permit;
            let served = async {
                let result = match tls {
                    None => watcher.watch(http.serve_connection(TokioIo::new(watched), service)).await,
                    Some(tls) => match tokio::time::timeout(header_timeout, tls.accept(watched)).await {
                        Ok(Ok(stream)) => watcher.watch(http.serve_connection(TokioIo::new(stream), service)).await,
                        Ok(Err(e)) => return tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                        Err(_) => return tracing::debug!(%peer, "TLS handshake timed out"),
                    },
                };
                if let Err(e) = result {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                }
            };
            tokio::select! {
                () = served => {},
                () = activity.idle_for(idle_timeout) => tracing::debug!(%peer, "closed an idle connection"),
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// From a request's headers to its response's headers. A response that streams (live
/// availability) then runs on under the idle timeout alone. A handler cut off here may already
/// have had its effect, which the API's message says.
async fn request_timeout(State(limit): State<Duration>, request: axum::extract::Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) if api => ApiError::new(
            503,
            "TIMEOUT",
            "The server took too long to answer. The request may still have been carried out: \
             check before sending it again.",
        )
        .into_response(),
        Err(_) => {
            (StatusCode::SERVICE_UNAVAILABLE, "The server took too long to answer. Please try again.").into_response()
        }
    }
}

async fn accept(
    listener: &TcpListener,
    slots: &Arc<Semaphore>,
) -> Option<(OwnedSemaphorePermit, TcpStream, SocketAddr)> {
    let permit = slots.clone().acquire_owned().await.ok()?;
    loop {
        match listener.accept().await {
            Ok((stream, peer)) => return Some((permit, stream, peer)),
            // The client gave up before it was accepted.
            Err(e) if matches!(e.kind(), io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset) => {}
            // Out of descriptors or memory: wait for connections to close rather than spin.
            Err(e) => {
                tracing::error!(error = %e, "accept error");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// The configured cap, lowered when the process may not open that many files (`ulimit -n`):
/// past that limit `accept` fails and not even /healthz is answered.
fn connection_cap(configured: usize) -> usize {
    let open_files = std::fs::read_to_string("/proc/self/limits").ok().and_then(|limits| {
        limits.lines().find_map(|l| l.strip_prefix("Max open files")?.split_whitespace().next()?.parse::<usize>().ok())
    });
    match open_files {
        Some(files) if configured.saturating_add(RESERVED_FILES) > files => {
            let cap = files.saturating_sub(RESERVED_FILES).max(1);
            tracing::warn!(
                "GATEHOUSE_MAX_CONNECTIONS is {configured} but the open-file limit is {files}: \
                 serving at most {cap} connections (raise `ulimit -n` to allow more)"
            );
            cap
        }
        _ => configured,
    }
}

/// When bytes last moved on a connection, and how many of its requests are being handled.
struct Activity {
    start: Instant,
    last_millis: AtomicU64,
    handling: AtomicUsize,
}

impl Activity {
    fn new() -> Activity {
        Activity { start: Instant::now(), last_millis: AtomicU64::new(0), handling: AtomicUsize::new(0) }
    }

    fn touch(&self) {
        let millis = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_millis.store(millis, Ordering::Relaxed);
    }

    /// Completes once nothing has moved for `limit` while no request was being handled (a slow
    /// handler is the request timeout's business, not this one's).
    async fn idle_for(&self, limit: Duration) {
        loop {
            let quiet_until = self.start + Duration::from_millis(self.last_millis.load(Ordering::Relaxed)) + limit;
            if Instant::now() >= quiet_until {
                if self.handling.load(Ordering::Relaxed) == 0 {
                    return;
                }
                tokio::time::sleep(limit).await;
            } else {
                tokio::time::sleep_until(quiet_until).await;
            }
        }
    }
}

/// A request between its headers and its response's headers.
struct Handling(Arc<Activity>);

impl Handling {
    fn start(activity: Arc<Activity>) -> Handling {
        activity.handling.fetch_add(1, Ordering::Relaxed);
        Handling(activity)
    }
}

impl Drop for Handling {
    fn drop(&mut self) {
        self.0.handling.fetch_sub(1, Ordering::Relaxed);
        self.0.touch();
    }
}

/// The socket, noting every byte read or written: a stream that writes (a live-availability
/// keep-alive comment every 15 s) is not idle; one whose client stopped reading is.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.touch();
        }
        poll
    }
}

impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.touch_if_written(&poll);
        poll
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.touch_if_written(&poll);
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

impl Watched {
    fn touch_if_written(&self, poll: &Poll<io::Result<usize>>) {
        if matches!(poll, Poll::Ready(Ok(n)) if *n > 0) {
            self.activity.touch();
        }
    }
}
