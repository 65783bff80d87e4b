//! `live`: how long a booking takes to reach a live page. A booking page's stream
//! (`/live/slots`) is held open on the last server instance while bookings go to the first, one
//! at a time at the scenario's pace; with `--instances 2` every update crosses PostgreSQL's
//! LISTEN/NOTIFY. Each booking's latency runs from the moment it was sent to the moment the
//! stream delivered counts that include it.
use crate::load::{may_start, send, Load, Pacer, Pool};
use crate::stats::{Outcome, Tally};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// How long the stream may still take, after the last booking, to deliver it.
const GRACE: Duration = Duration::from_secs(3);

pub struct Live {
    pub book: Tally,
    /// Sent → seen on the other instance's stream.
    pub stream: Tally,
    /// Tickets whose booking was answered 200.
    pub booked: Vec<i64>,
    pub elapsed: Duration,
}

/// The page watches `day` of organization `orq`; bookings go into `slot`, on that day.
pub async fn live(
    load: &Load,
    tickets: Arc<Pool<(i64, String)>>,
    (orq, slot, day): (i64, i64, &str),
    rate: Option<u32>,
) -> Result<Live, String> {
    let watcher = load.bases.last().ok_or("no server")?;
    // Without the load client's request timeout: the stream stays open for the whole run.
    let client = reqwest::Client::builder().tcp_nodelay(true).build().map_err(|e| e.to_string())?;
    let mut stream = client
        .get(format!("{watcher}/live/slots?venue={orq}&date={day}"))
        .send()
        .await
        .map_err(|e| format!("cannot open the live stream: {e}"))?;
    let (seen, mut counts) = mpsc::unbounded_channel::<(Instant, i64)>();
    let reader = tokio::spawn(async move {
        let mut buffer = String::new();
        while let Ok(Some(chunk)) = stream.chunk().await {
            let at = Instant::now();
            buffer.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buffer.find("\n\n") {
                let event: String = buffer.drain(..end + 2).collect();
                if let Some(booked) = booked_in(&event, slot) {
                    let _ = seen.send((at, booked));
                }
            }
        }
    });
    let (_, before) = tokio::time::timeout(Duration::from_secs(10), counts.recv())
        .await
        .map_err(|_| "the live stream sent nothing within 10 s")?
        .ok_or("the live stream ended at once")?;

    let started = Instant::now();
    let deadline = started + load.duration;
    let pacer = Pacer::new(rate);
    let url = format!("{}/api/reservations/create", load.bases[0]);
    let (mut book, mut sent, mut booked) = (Tally::default(), Vec::new(), Vec::new());
    while let Some(due) = may_start(pacer.as_ref(), deadline).await {
        let Some(ticket) = tickets.take() else { break };
        let body = json!({
            "ticket_code": ticket.1, "slot_id": slot,
            "customer_email": "bench@example.com", "customer_phone": "+12025550100",
        });
        let at = Instant::now();
        let (outcome, latency) = send(due, load.client.post(&url).json(&body)).await;
        if matches!(outcome, Outcome::Success) {
            sent.push(at);
            booked.push(ticket.0);
        }
        book.record(&outcome, latency);
    }
    let elapsed = started.elapsed();

    let mut updates = Vec::new();
    let wanted = before + sent.len() as i64;
    let until = Instant::now() + GRACE;
    while updates.last().is_none_or(|(_, booked)| *booked < wanted) {
        match tokio::time::timeout_at(until.into(), counts.recv()).await {
            Ok(Some(update)) => updates.push(update),
            _ => break,
        }
    }
    reader.abort();
    let mut stream = Tally::default();
    for (k, at) in sent.iter().enumerate() {
        let shown = updates.iter().find(|(_, booked)| *booked > before + k as i64);
        match shown {
            Some((seen, _)) => stream.record(&Outcome::Success, seen.saturating_duration_since(*at)),
            None => stream.record(&Outcome::Error("never shown on the stream".into()), GRACE),
        }
    }
    Ok(Live { book, stream, booked, elapsed })
}

/// `slot`'s booked count in a `slots` event, if the event is one and lists it.
fn booked_in(event: &str, slot: i64) -> Option<i64> {
    if !event.lines().any(|l| l == "event: slots") {
        return None;
    }
    let data: String = event.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
    let slots: Value = serde_json::from_str(&data).ok()?;
    slots.as_array()?.iter().find(|s| s["id"] == slot)?["booked_count"].as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slots_event_gives_the_slots_booked_count() {
        let event = "event: slots\ndata: [{\"id\":7,\"booked_count\":3},{\"id\":8,\"booked_count\":1}]\n\n";
        assert_eq!(booked_in(event, 7), Some(3));
        assert_eq!(booked_in(event, 9), None);
        assert_eq!(booked_in(":keep-alive\n\n", 7), None);
    }
}
