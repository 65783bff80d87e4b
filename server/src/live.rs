//! Live availability: an open booking page holds a server-sent-events stream and receives the
//! day's slots again whenever one of them changes (a booking, a change, a cancellation, a new
//! capacity), so counts move without a reload.
use crate::api::error::ApiError;
use crate::api::extract::ApiQuery;
use crate::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use chrono::{Days, NaiveDate};
use futures_util::Stream;
use gatehouse::events::{Change, Events, StreamGuard};
use gatehouse::ids::{OrgId, SlotId};
use gatehouse::{slots, Engine};
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::Instant;

/// A stream reads at most once in this long: a burst of changes costs one read, and a lone
/// change is read at once.
const SETTLE: Duration = Duration::from_millis(250);
/// Changes reach the page as events, other instances' too (`gatehouse::events::bridge`); and
/// when some may have been missed (the bridge reconnecting) an `Unknown` change says so. The day
/// is still read again after this long without one, for what no event announces: time passing
/// (a slot that starts stops being bookable), a slot added to the day, a hand-edited row.
const DAY_REREAD: Duration = Duration::from_secs(30);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    /// The organization whose venue the page shows.
    venue: OrgId,
    date: NaiveDate,
}

pub async fn day_slots(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<DayQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let next_day = q
        .date
        .checked_add_days(Days::new(1))
        .ok_or_else(|| ApiError::new(400, "INVALID_PARAMETER", "date is out of range."))?;
    // Subscribed before the first read, so no change between the two is missed.
    let pacer = Pacer::new(&s.engine.events, DAY_REREAD);
    let open = s.engine.events.stream_opened();
    let day = (q.date, next_day);
    let watch = DayWatch { engine: s.engine, orq: q.venue, day, pacer, ids: Vec::new(), shown: None, _open: open };
    let stream = futures_util::stream::unfold(watch, |mut watch| async move {
        let event = watch.next_event().await?;
        Some((Ok(event), watch))
    });
    Ok(Sse::new(crate::prometheus::counted(stream)).keep_alive(KeepAlive::default()))
}

/// When a live stream reads again: after a change that concerns it (or when some may have been
/// missed), or after its re-read interval without one; never sooner than [`SETTLE`] after its
/// last read. One pacer per open stream.
pub(crate) struct Pacer {
    events: Events,
    changes: broadcast::Receiver<Change>,
    reread: Duration,
    read_at: Instant,
}

impl Pacer {
    /// Subscribes at once: made before the stream's first read, it misses no change after it.
    pub(crate) fn new(events: &Events, reread: Duration) -> Self {
        Pacer { events: events.clone(), changes: events.watch(), reread, read_at: Instant::now() }
    }

    /// Notes that a read starts now.
    pub(crate) fn reading(&mut self) {
        self.read_at = Instant::now();
    }

    /// Waits for a change that `concerns` the stream, or for the re-read interval, then for the
    /// settle time since the last read; `None` when the server shuts down.
    pub(crate) async fn changed(&mut self, concerns: impl Fn(&Change) -> bool) -> Option<()> {
        let reread = tokio::time::sleep(self.reread);
        tokio::pin!(reread);
        loop {
            tokio::select! {
                change = self.changes.recv() => match change {
                    Ok(Change::Unknown) => break,
                    Ok(change) if concerns(&change) => break,
                    Ok(_) => continue,
                    // Fell behind: something may have changed; read again.
                    Err(RecvError::Lagged(_)) => break,
                    Err(RecvError::Closed) => return None,
                },
                () = &mut reread => break,
                () = self.events.closed() => return None,
            }
        }
        tokio::select! {
            () = tokio::time::sleep_until(self.read_at + SETTLE) => {}
            () = self.events.closed() => return None,
        }
        // What came meanwhile is in the read about to be made.
        self.changes = self.changes.resubscribe();
        Some(())
    }
}

struct DayWatch {
    engine: Engine,
    orq: OrgId,
    day: (NaiveDate, NaiveDate),
    pacer: Pacer,
    /// The day's slots, to tell which changes concern this page.
    ids: Vec<SlotId>,
    /// The last state sent; `None` before the first.
    shown: Option<String>,
    _open: StreamGuard,
}

impl DayWatch {
    /// The day's slots the first time, then after each change that alters them; `None` ends
    /// the stream (shutdown).
    async fn next_event(&mut self) -> Option<Event> {
        loop {
            if self.shown.is_some() {
                let ids = &self.ids;
                self.pacer.changed(|c| matches!(c, Change::Slot(id) if ids.contains(id))).await?;
            }
            self.pacer.reading();
            let slots = match slots::availability::availability_between(
                &self.engine.db,
                self.orq,
                self.day.0,
                self.day.1,
                self.engine.now(),
            )
            .await
            {
                Ok(slots) => slots,
                Err(e) => {
                    tracing::warn!(error = %e, "live availability read failed");
                    self.shown.get_or_insert_with(String::new);
                    continue;
                }
            };
            self.ids = slots.iter().map(|s| s.id).collect();
            let json = serde_json::to_string(&slots).ok()?;
            if self.shown.as_ref() != Some(&json) {
                self.shown = Some(json.clone());
                return Some(Event::default().event("slots").data(json));
            }
        }
    }
}
