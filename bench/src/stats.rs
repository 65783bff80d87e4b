//! Counting answers and their latencies, and printing them. Every latency is kept (microseconds,
//! `u32`) and sorted once at the end: a few million numbers cost a few megabytes, and exact
//! percentiles need no histogram crate.
use std::collections::BTreeMap;
use std::time::Duration;

/// How one request ended, from the client's point of view.
pub enum Outcome {
    /// HTTP 200.
    Success,
    /// A 4xx answer in the API's error envelope; the machine-readable code.
    Refused(String),
    /// Transport failure, 5xx, or an answer outside the envelope.
    Error(String),
}

#[derive(Default)]
pub struct Tally {
    pub requests: u64,
    pub successes: u64,
    pub refusals: BTreeMap<String, u64>,
    pub errors: u64,
    /// The first error seen, to tell a timeout from a bug without a log.
    pub first_error: Option<String>,
    pub latencies_us: Vec<u32>,
    /// The same latencies split by outcome: a fast refusal and a slow success averaged together
    /// describe neither.
    pub success_us: Vec<u32>,
    pub refusal_us: Vec<u32>,
}

impl Tally {
    pub fn record(&mut self, outcome: &Outcome, latency: Duration) {
        self.requests += 1;
        let us = u32::try_from(latency.as_micros()).unwrap_or(u32::MAX);
        self.latencies_us.push(us);
        match outcome {
            Outcome::Success => {
                self.successes += 1;
                self.success_us.push(us);
            }
            Outcome::Refused(code) => {
                *self.refusals.entry(code.clone()).or_default() += 1;
                self.refusal_us.push(us);
            }
            Outcome::Error(e) => {
                self.errors += 1;
                self.first_error.get_or_insert_with(|| e.clone());
            }
        }
    }

    pub fn merge(&mut self, other: Tally) {
        self.requests += other.requests;
        self.successes += other.successes;
        for (code, n) in other.refusals {
            *self.refusals.entry(code).or_default() += n;
        }
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
        self.latencies_us.extend(other.latencies_us);
        self.success_us.extend(other.success_us);
        self.refusal_us.extend(other.refusal_us);
    }
}

/// A tally reduced to what is printed.
pub struct Row {
    pub name: String,
    pub requests: u64,
    pub successes: u64,
    pub refusals: String,
    pub errors: u64,
    pub throughput: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

fn percentile_ms(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    f64::from(sorted[rank.clamp(1, sorted.len()) - 1]) / 1000.0
}

impl Row {
    pub fn new(name: &str, mut tally: Tally, elapsed: Duration) -> Row {
        let all = std::mem::take(&mut tally.latencies_us);
        Row::of(name, &tally, all, tally.requests, elapsed)
    }

    /// The tally's row, then, when it holds both successes and refusals, a row for each alone
    /// (`name:ok`, `name:refused`), their throughput over the same wall time.
    pub fn split(name: &str, mut tally: Tally, elapsed: Duration) -> Vec<Row> {
        let (ok, refused) = (std::mem::take(&mut tally.success_us), std::mem::take(&mut tally.refusal_us));
        let both = !ok.is_empty() && !refused.is_empty();
        let (successes, refusals) = (tally.successes, tally.refusals.values().sum::<u64>());
        let mut rows = Vec::new();
        if both {
            let mut only_ok = Row::of(&format!("{name}:ok"), &tally, ok, successes, elapsed);
            only_ok.refusals = "-".into();
            only_ok.errors = 0;
            let mut only_refused = Row::of(&format!("{name}:refused"), &tally, refused, refusals, elapsed);
            only_refused.successes = 0;
            only_refused.errors = 0;
            rows.push(only_ok);
            rows.push(only_refused);
        }
        rows.insert(0, Row::new(name, tally, elapsed));
        rows
    }

    fn of(name: &str, tally: &Tally, mut sorted: Vec<u32>, requests: u64, elapsed: Duration) -> Row {
        sorted.sort_unstable();
        let sorted = &sorted;
        let refusals = if tally.refusals.is_empty() {
            "-".to_string()
        } else {
            tally.refusals.iter().map(|(code, n)| format!("{code}={n}")).collect::<Vec<_>>().join(" ")
        };
        Row {
            name: name.into(),
            requests,
            successes: tally.successes,
            refusals,
            errors: tally.errors,
            throughput: requests as f64 / elapsed.as_secs_f64().max(1e-9),
            p50_ms: percentile_ms(sorted, 50.0),
            p95_ms: percentile_ms(sorted, 95.0),
            p99_ms: percentile_ms(sorted, 99.0),
            max_ms: sorted.last().map_or(0.0, |&m| f64::from(m) / 1000.0),
        }
    }
}

pub fn print_table(rows: &[Row]) {
    println!(
        "{:<16} {:>9} {:>9} {:>7} {:>10} {:>8} {:>8} {:>8} {:>9}  refusals",
        "scenario", "requests", "ok", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms"
    );
    for r in rows {
        println!(
            "{:<16} {:>9} {:>9} {:>7} {:>10.0} {:>8.2} {:>8.2} {:>8.2} {:>9.2}  {}",
            r.name, r.requests, r.successes, r.errors, r.throughput, r.p50_ms, r.p95_ms, r.p99_ms, r.max_ms, r.refusals
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted: Vec<u32> = (1..=100).map(|ms| ms * 1000).collect();
        assert_eq!(percentile_ms(&sorted, 50.0), 50.0);
        assert_eq!(percentile_ms(&sorted, 99.0), 99.0);
        assert_eq!(percentile_ms(&[], 99.0), 0.0);
    }
}
