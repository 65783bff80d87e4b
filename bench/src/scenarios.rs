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
    let deadline = Instant::now() + load.duration;
    let (results, elapsed) = run_clients(load.clients, |task| {
        let (client, url) = (load.client.clone(), load.url(task, "/api/reservations/create"));
        let (tickets, slots, pacer, round) = (tickets.clone(), slots.clone(), pacer.clone(), round.clone());
        async move {
            let (mut tally, mut booked, mut exhausted) = (Tally::default(), Vec::new(), false);
            let mut held: Option<&(i64, String)> = None;
            while may_start(pacer.as_ref().as_ref(), deadline).await {
                let Some(ticket) = held.take().or_else(|| tickets.take()) else {
                    exhausted = true;
                    break;
                };
                let slot = slots[round.fetch_add(1, Ordering::Relaxed) % slots.len()];
                let body = json!({
                    "ticket_code": ticket.1, "slot_id": slot,
                    "customer_email": "bench@example.com", "customer_phone": "+12025550100",
                });
                let (outcome, latency) = send(client.post(&url).json(&body)).await;
                tally.record(&outcome, latency);
                match outcome {
                    Outcome::Success => booked.push(ticket.0),
                    Outcome::Refused(code) if code == "SLOT_FULL" => held = Some(ticket),
                    _ => {}
                }
            }
            (tally, booked, exhausted)
        }
    })
    .await?;
    let mut all = Booked { tally: Tally::default(), booked: Vec::new(), pool_exhausted: false, elapsed };
    for (tally, booked, exhausted) in results {
        all.tally.merge(tally);
        all.booked.extend(booked);
        all.pool_exhausted |= exhausted;
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
            while may_start(pacer.as_ref().as_ref(), deadline).await {
                let Some((id, code)) = tickets.take() else {
                    exhausted = true;
                    break;
                };
                let request = client.post(&validate_url).bearer_auth(&token);
                let (checked, first) = send(request.json(&json!({ "ticket_code": code }))).await;
                validate.record(&checked, first);
                if !matches!(checked, Outcome::Success) {
                    pair.record(&checked, first);
                    continue;
                }
                let request = client.post(&verify_url).bearer_auth(&token);
                let (admitted, second) = send(request.json(&json!({ "ticket_id": id }))).await;
                verify.record(&admitted, second);
                pair.record(&admitted, first + second);
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

/// `month`: the customer calendar, read-only.
pub async fn month(load: &Load, month: &str, orq: i64, rate: Option<u32>) -> Result<(Tally, Duration), String> {
    let pacer = Arc::new(Pacer::new(rate));
    let deadline = Instant::now() + load.duration;
    let path = format!("/api/reservation-slots/available?month={month}&orq={orq}");
    let (results, elapsed) = run_clients(load.clients, |task| {
        let (client, url, pacer) = (load.client.clone(), load.url(task, &path), pacer.clone());
        async move {
            let mut tally = Tally::default();
            while may_start(pacer.as_ref().as_ref(), deadline).await {
                let (outcome, latency) = send(client.get(&url)).await;
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
