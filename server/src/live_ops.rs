//! The admin's live operations stream (`/admin/live/stream`): the organization's snapshot
//! (`gatehouse::ops`) at once, then again whenever something it shows changes — a booking,
//! change or cancellation in one of today's slots, an attempt at the door, counted booking
//! attempts — on this instance or another on the same PostgreSQL. Reads are at most one per
//! [`SETTLE`], however busy the day; an unchanged snapshot is not sent again.
use crate::api::error::ApiError;
use crate::live::Pacer;
use crate::state::AppState;
use app::server::ssr::ClientAddress;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Extension;
use futures_util::{Stream, StreamExt};
use gatehouse::events::{Change, StreamGuard};
use gatehouse::ids::{OrgId, SlotId};
use gatehouse::ops::{self, Snapshot};
use gatehouse::staff::session::StaffSession;
use gatehouse::Engine;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;
use tower_sessions::Session;

/// Read again after this long without a change: the last 15 minutes move on, slots start.
const REREAD: Duration = Duration::from_secs(20);

pub async fn stream(
    State(s): State<AppState>,
    session: Session,
    client: Option<Extension<ClientAddress>>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let client = client.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |Extension(ClientAddress(ip))| ip);
    let admin = admin_of_request(&s.engine, &session, client).await?;
    // Subscribed before the first read, so no change between the two is missed.
    let pacer = Pacer::new(&s.engine.events, REREAD);
    let first = read(&s.engine, admin.orq).await?;
    let mut watch = OpsWatch {
        engine: s.engine.clone(),
        orq: admin.orq,
        pacer,
        slots: Vec::new(),
        shown: String::new(),
        _open: s.engine.events.stream_opened(),
    };
    let first = watch.event(&first);
    let rest = futures_util::stream::unfold(watch, |mut watch| async move {
        let event = watch.next_event().await?;
        Some((Ok(event), watch))
    });
    let stream = futures_util::stream::iter(first.map(Ok)).chain(rest);
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The signed-in admin, allowed to work from `client`'s address; 401 without an admin session.
async fn admin_of_request(engine: &Engine, session: &Session, client: IpAddr) -> Result<StaffSession, ApiError> {
    match app::admin::access::ssr::admin_of_request(engine, session, client).await {
        Ok(Some(admin)) => Ok(admin),
        Ok(None) => Err(ApiError::new(401, "NOT_SIGNED_IN", "Sign in as an administrator to follow live operations.")),
        Err(e) if e.status == 403 => Err(ApiError::new(403, "NETWORK_NOT_ALLOWED", e.message)),
        Err(_) => Err(ApiError::new(503, "UNAVAILABLE", "The figures cannot be read right now. Try again shortly.")),
    }
}

async fn read(engine: &Engine, orq: OrgId) -> Result<Snapshot, ApiError> {
    match ops::snapshot(&engine.db, orq, engine.now()).await {
        Ok(Some(snapshot)) => Ok(snapshot),
        Ok(None) => Err(ApiError::new(404, "NO_VENUE", "This organization has no venue yet.")),
        Err(e) => {
            tracing::error!(error = %e, "live operations read failed");
            Err(ApiError::new(503, "UNAVAILABLE", "The figures cannot be read right now. Try again shortly."))
        }
    }
}

struct OpsWatch {
    engine: Engine,
    orq: OrgId,
    pacer: Pacer,
    /// Today's slots, to tell which slot changes concern the page.
    slots: Vec<SlotId>,
    /// The last snapshot sent, as sent.
    shown: String,
    _open: StreamGuard,
}

impl OpsWatch {
    /// The snapshot as an event, or `None` when it is the one shown already.
    fn event(&mut self, snapshot: &Snapshot) -> Option<Event> {
        self.slots = snapshot.slots.iter().map(|s| s.slot_id).collect();
        let json = serde_json::to_string(snapshot).ok()?;
        if json == self.shown {
            return None;
        }
        self.shown = json.clone();
        Some(Event::default().event("snapshot").data(json))
    }

    /// The next snapshot that differs from the last; `None` ends the stream (shutdown).
    async fn next_event(&mut self) -> Option<Event> {
        loop {
            let (slots, orq) = (&self.slots, self.orq);
            self.pacer
                .changed(|c| match *c {
                    Change::Slot(id) => slots.contains(&id),
                    Change::Door(o) | Change::Bookings(o) => o == orq,
                    _ => false,
                })
                .await?;
            self.pacer.reading();
            if let Ok(snapshot) = read(&self.engine, self.orq).await {
                if let Some(event) = self.event(&snapshot) {
                    return Some(event);
                }
            }
        }
    }
}
