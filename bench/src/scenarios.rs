//! What each client task does in each scenario. Every task loops until the deadline; tickets come
//! from shared pools so no two requests spend the same ticket.
use crate::load::{may_start, run_clients, send, Load, Pacer, Pool};
use crate::stats::{Outcome, Tally};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Booked {
    pub tally: Tally,
    /// Tickets whose booking was answered 200.
    pub booked: Vec<i64>,
    pub pool_exhausted: bool,
    pub elapsed: Duration,
    /// From the start until the last successful booking was answered: for `hot`, how long the
    /// slot took to fill (its last seat taken).
    pub last_success: Option<Duration>,
}

/// `spread` and `hot`: book tickets into `slots`, round-robin. A ticket refused with SLOT_FULL
/// was rolled back and is still ACTIVATED, so the task offers it again rather than spend another.
pub async fn book(
    load: &Load,
    tickets: Arc<Pool<(i64, String)>>,
    slots: Arc<Vec<i64>>,
    rate: Option<u32>,
) -> Result<Booked, String> {
    let pacer = Arc::new(Pacer::new(rate));
    let round = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + load.duration;
    let (results, elapsed) = run_clients(load.clients, |task| {
        let (client, url) = (load.client.clone(), load.url(task, "/api/reservations/create"));
        let (tickets, slots, pacer, round) = (tickets.clone(), slots.clone(), pacer.clone(), round.clone());
        async move {
            let (mut tally, mut booked, mut exhausted) = (Tally::default(), Vec::new(), false);
            let mut last_success = None;
            let mut held: Option<&(i64, String)> = None;
            while let Some(due) = may_start(pacer.as_ref().as_ref(), deadline).await {
                let Some(ticket) = held.take().or_else(|| tickets.take()) else {
                    exhausted = true;
                    break;
                };
                let slot = slots[round.fetch_add(1, Ordering::Relaxed) % slots.len()];
                let body = json!({
                    "ticket_code": ticket.1, "slot_id": slot,
                    "customer_email": "bench@example.com", "customer_phone": "+12025550100",
                });
                let (outcome, latency) = send(due, client.post(&url).json(&body)).await;
                tally.record(&outcome, latency);
                match outcome {
                    Outcome::Success => {
                        booked.push(ticket.0);
                        last_success = Some(started.elapsed());
                    }
                    Outcome::Refused(code) if code == "SLOT_FULL" => held = Some(ticket),
                    _ => {}
                }
            }
            (tally, booked, exhausted, last_success)
        }
    })
    .await?;
    let mut all =
        Booked { tally: Tally::default(), booked: Vec::new(), pool_exhausted: false, elapsed, last_success: None };
    for (tally, booked, exhausted, last_success) in results {
        all.tally.merge(tally);
        all.booked.extend(booked);
        all.pool_exhausted |= exhausted;
        all.last_success = all.last_success.max(last_success);
    }
    Ok(all)
}

pub struct Scanned {
    pub validate: Tally,
    pub verify: Tally,
    /// Both calls as the operator feels them; a refused validation ends the pair.
    pub pair: Tally,
    pub pool_exhausted: bool,
    pub elapsed: Duration,
}

/// `scan`: the door. Validate a reserved ticket by code, then admit it by id, as the operator's
/// app does; pacing counts pairs.
pub async fn scan(
    load: &Load,
    tickets: Arc<Pool<(i64, String)>>,
    token: &str,
    rate: Option<u32>,
) -> Result<Scanned, String> {
    let pacer = Arc::new(Pacer::new(rate));
    let deadline = Instant::now() + load.duration;
    let (results, elapsed) = run_clients(load.clients, |task| {
        let client = load.client.clone();
        let validate_url = load.url(task, "/api/operator/validate-ticket");
        let verify_url = load.url(task, "/api/operator/verify-ticket");
        let (tickets, pacer, token) = (tickets.clone(), pacer.clone(), token.to_owned());
        async move {
            let (mut validate, mut verify, mut pair) = (Tally::default(), Tally::default(), Tally::default());
            let mut exhausted = false;
            while let Some(due) = may_start(pacer.as_ref().as_ref(), deadline).await {
                let Some((id, code)) = tickets.take() else {
                    exhausted = true;
                    break;
                };
                let door = Door { client: &client, validate: &validate_url, verify: &verify_url, token: &token };
                door.scan(due, (*id, code.as_str()), &mut validate, &mut verify, &mut pair).await;
            }
            (validate, verify, pair, exhausted)
        }
    })
    .await?;
    let mut all = Scanned {
        validate: Tally::default(),
        verify: Tally::default(),
        pair: Tally::default(),
        pool_exhausted: false,
        elapsed,
    };
    for (validate, verify, pair, exhausted) in results {
        all.validate.merge(validate);
        all.verify.merge(verify);
        all.pair.merge(pair);
        all.pool_exhausted |= exhausted;
    }
    Ok(all)
}

/// One operator's app: validate by code, then admit by id.
struct Door<'a> {
    client: &'a reqwest::Client,
    validate: &'a str,
    verify: &'a str,
    token: &'a str,
}

impl Door<'_> {
    /// Both calls for one ticket, due at `due`; the verify's outcome, or `None` when the
    /// validation refused (which ends the pair).
    async fn scan(
        &self,
        due: Instant,
        (id, code): (i64, &str),
        validate: &mut Tally,
        verify: &mut Tally,
        pair: &mut Tally,
    ) -> Option<Outcome> {
        let request = self.client.post(self.validate).bearer_auth(self.token);
        let (checked, first) = send(due, request.json(&json!({ "ticket_code": code }))).await;
        validate.record(&checked, first);
        if !matches!(checked, Outcome::Success) {
            pair.record(&checked, first);
            return None;
        }
        let request = self.client.post(self.verify).bearer_auth(self.token);
        let (admitted, second) = send(Instant::now(), request.json(&json!({ "ticket_id": id }))).await;
        verify.record(&admitted, second);
        pair.record(&admitted, first + second);
        Some(admitted)
    }
}

pub struct DoubleScanned {
    pub scanned: Scanned,
    /// Tickets scanned by both doors.
    pub tickets: u64,
    /// Tickets whose two verifies were answered 200 exactly once, twice, or not at all (a
    /// refused validation, or an error on both).
    pub admitted_once: u64,
    pub admitted_twice: u64,
    pub admitted_never: u64,
}

/// `double-scan`: every ticket is validated and verified by two clients at the same moment, on
/// two different instances when there are two (two doors, or an offline device syncing what
/// another admitted). Exactly one of the two verifies may answer 200; pacing counts tickets.
pub async fn double_scan(
    load: &Load,
    tickets: Arc<Pool<(i64, String)>>,
    token: &str,
    rate: Option<u32>,
) -> Result<DoubleScanned, String> {
    let pacer = Arc::new(Pacer::new(rate));
    let deadline = Instant::now() + load.duration;
    // Each task is a pair of doors: `clients` requests in flight at most, as in `scan`.
    let (results, elapsed) = run_clients(load.clients.div_ceil(2), |task| {
        let client = load.client.clone();
        let urls = |door: usize| {
            (load.url(door, "/api/operator/validate-ticket"), load.url(door, "/api/operator/verify-ticket"))
        };
        let (one, two) = (urls(task * 2), urls(task * 2 + 1));
        let (tickets, pacer, token) = (tickets.clone(), pacer.clone(), token.to_owned());
        async move {
            // Per door: validate, verify, pair; merged at the end.
            let mut first_door: [Tally; 3] = Default::default();
            let mut second_door: [Tally; 3] = Default::default();
            // Tickets; admitted never, once, twice.
            let (mut counts, mut exhausted) = ([0u64; 4], false);
            while let Some(due) = may_start(pacer.as_ref().as_ref(), deadline).await {
                let Some((id, code)) = tickets.take() else {
                    exhausted = true;
                    break;
                };
                let first = Door { client: &client, validate: &one.0, verify: &one.1, token: &token };
                let second = Door { client: &client, validate: &two.0, verify: &two.1, token: &token };
                let [v1, f1, p1] = &mut first_door;
                let [v2, f2, p2] = &mut second_door;
                let (a, b) = tokio::join!(
                    first.scan(due, (*id, code.as_str()), v1, f1, p1),
                    second.scan(due, (*id, code.as_str()), v2, f2, p2)
                );
                let admitted = [a, b].iter().filter(|o| matches!(o, Some(Outcome::Success))).count();
                counts[0] += 1;
                counts[1 + admitted] += 1;
            }
            (first_door, second_door, counts, exhausted)
        }
    })
    .await?;
    let mut scanned = Scanned {
        validate: Tally::default(),
        verify: Tally::default(),
        pair: Tally::default(),
        pool_exhausted: false,
        elapsed,
    };
    let mut all = [0u64; 4];
    for (first_door, second_door, counts, exhausted) in results {
        for [validate, verify, pair] in [first_door, second_door] {
            scanned.validate.merge(validate);
            scanned.verify.merge(verify);
            scanned.pair.merge(pair);
        }
        all.iter_mut().zip(counts).for_each(|(sum, n)| *sum += n);
        scanned.pool_exhausted |= exhausted;
    }
    let [tickets, admitted_never, admitted_once, admitted_twice] = all;
    Ok(DoubleScanned { scanned, tickets, admitted_once, admitted_twice, admitted_never })
}

/// `month`: the customer calendar, read-only.
pub async fn month(load: &Load, month: &str, orq: i64, rate: Option<u32>) -> Result<(Tally, Duration), String> {
    let pacer = Arc::new(Pacer::new(rate));
    let deadline = Instant::now() + load.duration;
    let path = format!("/api/reservation-slots/available?month={month}&orq={orq}");
    let (results, elapsed) = run_clients(load.clients, |task| {
        let (client, url, pacer) = (load.client.clone(), load.url(task, &path), pacer.clone());
        async move {
            let mut tally = Tally::default();
            while let Some(due) = may_start(pacer.as_ref().as_ref(), deadline).await {
                let (outcome, latency) = send(due, client.get(&url)).await;
                tally.record(&outcome, latency);
            }
            tally
        }
    })
    .await?;
    let mut all = Tally::default();
    for tally in results {
        all.merge(tally);
    }
    Ok((all, elapsed))
}
