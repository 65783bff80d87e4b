//! The door with no network. A signed QR code is checked against the organization's public keys
//! kept on the device, on the venue's date by the server's clock (a phone's own clock may be
//! wrong); an admission is queued in IndexedDB with a nonce and its scan time, and the codes this
//! device admitted are kept so that a second scan of one ticket is caught. The queue goes to the
//! server (`door_sync`) when the network returns; the server applies each admission once.
use super::kept;
use super::sync::{door_keys, door_sync, SyncAnswer};
use crate::error::AppError;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use gatehouse::admission::offline::{DoorKeys, OfflineScan};
use gatehouse::admission::verdict::Verdict;
use gatehouse::error::DomainError;
use gatehouse::tickets::signed::{verify_offline, OfflineRefusal, SignedTicket};
use serde::{Deserialize, Serialize};

const KEYS: &str = "keys";
const QUEUE: &str = "queue";
const ADMITTED: &str = "admitted";
/// The server sends at most this many in one sync.
const BATCH: usize = 200;

/// The keys as the device keeps them, with how far its clock is from the server's.
#[derive(Clone, Serialize, Deserialize)]
struct Kept {
    keys: DoorKeys,
    /// The server's clock minus the device's, in milliseconds, when the keys came.
    skew_ms: i64,
}

/// Fetches and keeps the organization's keys (when online, each time the scanner opens).
pub async fn refresh_keys(csrf: String) -> Result<(), AppError> {
    let asked_at = device_now();
    let keys = door_keys(csrf).await?;
    let skew_ms = (keys.now - asked_at).num_milliseconds();
    kept::write(KEYS, &Kept { keys, skew_ms }).await;
    Ok(())
}

/// The verdict on `scanned` with no server: signed QR codes only.
pub async fn check(scanned: &str) -> Verdict {
    let invalid = |reason: &str, message: &str| Verdict::Invalid {
        code: scanned.chars().filter(|c| !c.is_control()).take(40).collect(),
        reason: reason.into(),
        message: message.into(),
    };
    let Some(kept) = kept::read::<Kept>(KEYS).await else {
        return invalid(
            "OFFLINE_NO_KEYS",
            "Offline, and this device has no keys to check tickets yet. Connect once while signed in.",
        );
    };
    if !SignedTicket::is_payload(scanned) {
        return invalid(
            "OFFLINE_TYPED_CODE",
            "Offline, only a ticket's QR code can be checked. Scan it, or wait for the network.",
        );
    }
    let payload = match SignedTicket::parse(scanned) {
        Ok(p) => p,
        Err(e) => return invalid(e.code(), &e.to_string()),
    };
    let code = payload.code().as_str().to_string();
    let today = venue_today(&kept);
    match verify_offline(&payload, &kept.keys.keys, today) {
        Err(OfflineRefusal::WrongDate { reservation_date, today, .. }) => {
            Verdict::WrongDate { code, reserved: reservation_date, today }
        }
        Err(OfflineRefusal::NoReservation) => Verdict::NoReservation { code },
        Err(e) => invalid(e.code(), &e.to_string()),
        Ok(()) if admitted_here(&code, today).await => {
            Verdict::AlreadyVerified { code, at: None, by: Some("this device, offline".into()) }
        }
        Ok(()) => Verdict::ValidOffline { code, scanned: scanned.to_string() },
    }
}

/// Admits offline: queued for the server and remembered here. `None` when the device could not
/// keep it (then nothing was admitted).
pub async fn admit(code: &str, scanned: &str) -> Option<Verdict> {
    let kept_keys = kept::read::<Kept>(KEYS).await?;
    let scan = OfflineScan { nonce: nonce(), scanned: scanned.to_string(), scanned_at: server_now(&kept_keys) };
    let mut queue = kept::read::<Vec<OfflineScan>>(QUEUE).await.unwrap_or_default();
    queue.push(scan);
    if !kept::write(QUEUE, &queue).await {
        return None;
    }
    let today = venue_today(&kept_keys);
    let mut admitted = kept::read::<Vec<(String, NaiveDate)>>(ADMITTED).await.unwrap_or_default();
    admitted.retain(|(_, day)| *day >= today);
    admitted.push((code.to_string(), today));
    kept::write(ADMITTED, &admitted).await;
    Some(Verdict::Queued { code: code.to_string() })
}

/// How many admissions wait for the server.
pub async fn waiting() -> usize {
    kept::read::<Vec<OfflineScan>>(QUEUE).await.map_or(0, |q| q.len())
}

/// Sends what waits to the server; what it took leaves the queue. `None` when nothing waited.
pub async fn sync(csrf: String, device: String) -> Result<Option<SyncAnswer>, AppError> {
    let queue = kept::read::<Vec<OfflineScan>>(QUEUE).await.unwrap_or_default();
    if queue.is_empty() {
        return Ok(None);
    }
    let mut answer: Option<SyncAnswer> = None;
    for batch in queue.chunks(BATCH) {
        let synced = door_sync(csrf.clone(), device.clone(), batch.to_vec()).await?;
        // Re-read: scans queued while this one was on its way stay queued.
        let mut left = kept::read::<Vec<OfflineScan>>(QUEUE).await.unwrap_or_default();
        left.retain(|s| !synced.scans.iter().any(|done| done.nonce == s.nonce));
        kept::write(QUEUE, &left).await;
        answer = Some(match answer {
            None => synced,
            Some(mut so_far) => {
                so_far.scans.extend(synced.scans);
                so_far.tally = synced.tally;
                so_far
            }
        });
    }
    Ok(answer)
}

async fn admitted_here(code: &str, today: NaiveDate) -> bool {
    kept::read::<Vec<(String, NaiveDate)>>(ADMITTED)
        .await
        .is_some_and(|a| a.iter().any(|(c, d)| c == code && *d == today))
}

/// Now by the server's clock, as last measured against the device's.
fn server_now(kept: &Kept) -> DateTime<Utc> {
    device_now() + Duration::milliseconds(kept.skew_ms)
}

/// The venue's date now: the date the keys came with, moved on by the days since on the venue's
/// calendar (a time zone's days are not all 24 hours, so counted by dates, not hours).
fn venue_today(kept: &Kept) -> NaiveDate {
    let now = server_now(kept);
    let fetched = kept.keys.now;
    match (local_date(now, &kept.keys.time_zone), local_date(fetched, &kept.keys.time_zone)) {
        (Some(now), Some(then)) => kept.keys.today + (now - then),
        _ => kept.keys.today + Duration::days((now - fetched).num_days()),
    }
}

fn device_now() -> DateTime<Utc> {
    #[cfg(feature = "hydrate")]
    {
        DateTime::from_timestamp_millis(web_sys::js_sys::Date::now() as i64).unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    Utc::now()
}

/// `at`'s date in time zone `zone`, by the browser's own time zone data.
fn local_date(at: DateTime<Utc>, zone: &str) -> Option<NaiveDate> {
    #[cfg(feature = "hydrate")]
    {
        use web_sys::js_sys::{Array, Date, Intl, Object, Reflect};
        let options = Object::new();
        Reflect::set(&options, &"timeZone".into(), &zone.into()).ok()?;
        // en-CA writes dates as YYYY-MM-DD.
        let format = Intl::DateTimeFormat::new(&Array::of1(&"en-CA".into()), &options).format();
        let text =
            format.call1(&wasm_bindgen::JsValue::NULL, &Date::new(&(at.timestamp_millis() as f64).into())).ok()?;
        text.as_string()?.parse().ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (at, zone);
        None
    }
}

/// A nonce no other scan of this device has: a random UUID.
fn nonce() -> String {
    #[cfg(feature = "hydrate")]
    {
        if let Some(uuid) = leptos::prelude::window().crypto().ok().map(|c| c.random_uuid()) {
            return uuid;
        }
    }
    format!("{}-{}", device_now().timestamp_millis(), (device_now().timestamp_subsec_nanos()))
}
