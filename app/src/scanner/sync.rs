//! The scanner's offline side on the server: the keys (and the venue's date) a scanner keeps to
//! check tickets with no network, and the sync of the admissions it queued meanwhile. Each needs a
//! signed-in operator and their session's token, as the door's other server functions do.
use crate::error::AppError;
use gatehouse::admission::offline::{DoorKeys, OfflineScan, SyncedScan};
use gatehouse::admission::shift::ShiftTally;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncAnswer {
    /// One per scan sent, in the order sent.
    pub scans: Vec<SyncedScan>,
    pub tally: ShiftTally,
}

/// Applies the admissions a scanner made offline: each once, by its nonce, at its scan time.
#[server(prefix = "/sfn", endpoint = "door_sync", input = leptos::server_fn::codec::Json, output = crate::codec::JsonText)]
pub async fn door_sync(csrf: String, device: String, scans: Vec<OfflineScan>) -> Result<SyncAnswer, AppError> {
    use crate::server::ssr::storage;
    use gatehouse::admission::shift::shift_tally;
    let (engine, door, staff) = super::door::ssr::door(&csrf, &device).await?;
    let scans = gatehouse::admission::sync(&engine, &door, &scans).await?;
    let tally = shift_tally(&engine.db, staff.user, staff.signed_in_at).await.map_err(storage)?;
    Ok(SyncAnswer { scans, tally })
}

/// The operator's organization's public signing keys, its venue's time zone and today's date
/// there: what the scanner keeps to check signed QR codes offline.
#[server(name = FetchDoorKeys, prefix = "/sfn", endpoint = "door_keys")]
pub async fn door_keys(csrf: String) -> Result<DoorKeys, AppError> {
    use crate::server::ssr::{engine, no_venue};
    use crate::staff::account::ssr::authorized;
    use gatehouse::staff::Role;
    let engine = engine()?;
    let staff = authorized(&engine, Role::Operator, &csrf).await?;
    let keys = gatehouse::admission::door_keys(&engine, staff.orq).await.map_err(|e| AppError::domain(&e))?;
    keys.ok_or_else(no_venue)
}
