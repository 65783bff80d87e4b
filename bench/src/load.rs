//! The load machinery shared by every scenario: one HTTP client, many client tasks looping until
//! a deadline, optional pacing to a target rate, and the classification of answers.
use crate::stats::Outcome;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Where and how hard to push.
#[derive(Clone)]
pub struct Load {
    pub client: reqwest::Client,
    /// Server base URLs; client task `i` talks to `bases[i % len]`.
    pub bases: Arc<Vec<String>>,
    pub clients: usize,
    pub duration: Duration,
}

impl Load {
    pub fn new(bases: Vec<String>, clients: usize, duration: Duration) -> Result<Load, String> {
        // One connection per client task stays open: reconnecting would measure TCP set-up.
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(clients)
            .tcp_nodelay(true)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Load { client, bases: Arc::new(bases), clients, duration })
    }

    pub fn url(&self, task: usize, path: &str) -> String {
        format!("{}{path}", self.bases[task % self.bases.len()])
    }
}

/// Hands out each item once across all tasks.
pub struct Pool<T> {
    items: Vec<T>,
    next: AtomicUsize,
}

impl<T> Pool<T> {
    pub fn new(items: Vec<T>) -> Pool<T> {
        Pool { items, next: AtomicUsize::new(0) }
    }

    pub fn take(&self) -> Option<&T> {
        self.items.get(self.next.fetch_add(1, Ordering::Relaxed))
    }
}

/// Spaces request starts evenly across all tasks: the n-th start is due at `start + n / rate`.
/// A task that falls behind schedule starts at once, so a slow server sees bursts rather than a
/// silently lower rate.
pub struct Pacer {
    start: tokio::time::Instant,
    interval_ns: u64,
    next: AtomicU64,
}

impl Pacer {
    pub fn new(rate: Option<u32>) -> Option<Pacer> {
        rate.filter(|&r| r > 0).map(|r| Pacer {
            start: tokio::time::Instant::now(),
            interval_ns: 1_000_000_000 / u64::from(r),
            next: AtomicU64::new(0),
        })
    }

    /// Waits for this request's turn; answers the moment it was due, which is earlier than now
    /// when the clients fell behind the pace.
    pub async fn wait(&self) -> Instant {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let due = self.start + Duration::from_nanos(n.saturating_mul(self.interval_ns));
        tokio::time::sleep_until(due).await;
        due.into_std()
    }
}

/// Waits for the pacer, if any; `None` once the deadline has passed, else the moment the request
/// was due (unpaced: now). Latencies run from that moment, so a paced request that had to wait
/// for a busy client counts its wait (no coordinated omission: a stalled server cannot hide its
/// stall by delaying the requests that would have measured it).
pub async fn may_start(pacer: Option<&Pacer>, deadline: Instant) -> Option<Instant> {
    if Instant::now() >= deadline {
        return None;
    }
    let due = match pacer {
        Some(p) => p.wait().await,
        None => Instant::now(),
    };
    (Instant::now() < deadline).then_some(due)
}

/// Runs `clients` tasks made by `task(index)` and returns their results and the wall time the
/// whole group took (the last request started before the deadline included).
pub async fn run_clients<T, F, Fut>(clients: usize, task: F) -> Result<(Vec<T>, Duration), String>
where
    F: Fn(usize) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let started = Instant::now();
    let handles: Vec<_> = (0..clients).map(|i| tokio::spawn(task(i))).collect();
    let mut results = Vec::with_capacity(clients);
    for handle in handles {
        results.push(handle.await.map_err(|e| format!("a client task failed: {e}"))?);
    }
    Ok((results, started.elapsed()))
}

/// Sends one request, reads the whole answer (so the connection can be reused) and classifies
/// it; the latency covers both, from `since` (when the request was due; see [`may_start`]).
pub async fn send(since: Instant, request: reqwest::RequestBuilder) -> (Outcome, Duration) {
    let outcome = match request.send().await {
        Err(e) => Outcome::Error(describe(&e)),
        Ok(response) => {
            let status = response.status();
            match response.bytes().await {
                Err(e) => Outcome::Error(describe(&e)),
                Ok(_) if status == reqwest::StatusCode::OK => Outcome::Success,
                Ok(body) => classify(status, &body),
            }
        }
    };
    (outcome, since.elapsed())
}

fn classify(status: reqwest::StatusCode, body: &[u8]) -> Outcome {
    let code = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.pointer("/error/code")?.as_str().map(str::to_owned));
    match code {
        Some(code) if status.is_client_error() => Outcome::Refused(code),
        Some(code) => Outcome::Error(format!("HTTP {status} {code}")),
        None => Outcome::Error(format!("HTTP {status} without the API's error envelope")),
    }
}

/// reqwest's own message hides the cause ("error sending request"); the chain names it.
fn describe(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
