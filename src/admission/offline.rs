//! Scans a scanner made while offline (issue 12): it checks the QR code's signature against the
//! keys it keeps, the operator admits, and the admission waits on the device with a nonce and
//! its scan time until the network returns. What the device sends and what it is answered; the
//! types compile for the browser, the operation is [`super::sync`] (server only).
use super::verdict::Verdict;
use crate::error::{detail, details, DomainError};
use crate::reservation::StorageError;
use crate::tickets::signed::PublicKey;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Scans one sync takes at most: a queue longer than this is sent in parts.
pub const MAX_SYNC_BATCH: usize = 200;
/// A nonce's length at most (a UUID is 36).
pub const MAX_NONCE_LEN: usize = 64;
/// The check-in log's outcome for an offline admission of a ticket admitted by another scan first.
pub const CONFLICT: &str = "CONFLICT";

/// One admission a device made offline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfflineScan {
    /// Made by the device, never reused by it: 1 to 64 visible ASCII characters (a UUID, say).
    /// The same nonce sent again is answered as the first time and changes nothing.
    pub nonce: String,
    /// What was read: a signed QR payload or a typed ticket code.
    pub scanned: String,
    /// When the operator admitted the holder, by the device's clock.
    #[serde(with = "crate::wire::instant")]
    pub scanned_at: DateTime<Utc>,
}

/// What became of one synced scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncedScan {
    pub nonce: String,
    /// `Admitted`, or why not: `AlreadyVerified` (when and by whom first), `WrongDate`, `Invalid`, …
    pub verdict: Verdict,
    /// Admitted on the device, but the ticket had been admitted by another scan first: the
    /// holder may have entered twice. Kept in the check-in log as `CONFLICT`.
    pub conflict: bool,
}

/// What a scanner keeps to check tickets with no network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoorKeys {
    /// The organization's keys that verify its QR codes (not retired).
    pub keys: Vec<PublicKey>,
    /// The venue's IANA time zone: a ticket is good on its reserved date there.
    pub time_zone: String,
    /// The venue's date when the keys were fetched.
    #[serde(with = "crate::wire::date")]
    pub today: NaiveDate,
    /// The server's clock then: a device with its clock wrong still dates its scans and knows
    /// "today" by the server's.
    #[serde(with = "crate::wire::instant")]
    pub now: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// 400 — the device should send its queue in parts.
    #[error("At most {max} scans can be synced at once; send the rest in another request.")]
    TooManyScans { given: usize, max: usize },
    /// 400 — a scan whose nonce cannot name it, so a resend could not be recognised.
    #[error("Scan {index} has no usable nonce: 1 to 64 visible ASCII characters.")]
    InvalidNonce { index: usize },
    #[error("storage failure")]
    Storage(#[from] StorageError),
}

impl DomainError for SyncError {
    fn code(&self) -> &'static str {
        match self {
            Self::TooManyScans { .. } => "SYNC_BATCH_TOO_LARGE",
            Self::InvalidNonce { .. } => "INVALID_NONCE",
            Self::Storage(_) => "INTERNAL",
        }
    }

    fn status(&self) -> u16 {
        match self {
            Self::Storage(_) => 500,
            _ => 400,
        }
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            Self::TooManyScans { given, max } => details([("given", detail(given)), ("max", detail(max))]),
            Self::InvalidNonce { index } => details([("index", detail(index))]),
            Self::Storage(_) => Map::new(),
        }
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        match self {
            Self::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// Refuses, as a whole, a batch the server will not take: too many scans, or a scan without a
/// usable nonce. A nonce repeated within the batch is one scan, answered alike each time.
pub fn check_batch(scans: &[OfflineScan]) -> Result<(), SyncError> {
    if scans.len() > MAX_SYNC_BATCH {
        return Err(SyncError::TooManyScans { given: scans.len(), max: MAX_SYNC_BATCH });
    }
    match scans.iter().position(|s| !usable_nonce(&s.nonce)) {
        Some(index) => Err(SyncError::InvalidNonce { index }),
        None => Ok(()),
    }
}

fn usable_nonce(nonce: &str) -> bool {
    (1..=MAX_NONCE_LEN).contains(&nonce.len()) && nonce.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(nonce: &str) -> OfflineScan {
        OfflineScan { nonce: nonce.into(), scanned: "TKT".into(), scanned_at: DateTime::UNIX_EPOCH }
    }

    #[test]
    fn a_batch_of_up_to_the_limit_is_taken_and_one_more_is_refused_with_its_code() {
        assert!(check_batch(&vec![scan("n"); MAX_SYNC_BATCH]).is_ok());
        let refused = check_batch(&vec![scan("n"); MAX_SYNC_BATCH + 1]).unwrap_err();
        assert_eq!((refused.code(), refused.status()), ("SYNC_BATCH_TOO_LARGE", 400));
        assert_eq!(refused.details()["max"], MAX_SYNC_BATCH);
    }

    #[test]
    fn a_nonce_that_is_empty_too_long_or_not_visible_ascii_is_refused_naming_its_scan() {
        let good = "0f8fad5b-d9cb-469f-a165-70867728950e";
        for bad in ["", " ", "a b", "é", &"n".repeat(MAX_NONCE_LEN + 1), "tab\t"] {
            match check_batch(&[scan(good), scan(bad)]) {
                Err(SyncError::InvalidNonce { index }) => assert_eq!(index, 1, "{bad:?}"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        assert!(check_batch(&[scan(good), scan(&"n".repeat(MAX_NONCE_LEN))]).is_ok());
    }

    #[test]
    fn a_scan_travels_as_the_page_sends_it() {
        let json = r#"{"nonce":"a1","scanned":"GH1:X","scanned_at":"2026-11-24T04:58:00Z"}"#;
        let scan: OfflineScan = serde_json::from_str(json).expect("a scan");
        assert_eq!(scan.scanned_at.to_rfc3339(), "2026-11-24T04:58:00+00:00");
        assert_eq!(serde_json::to_string(&scan).expect("JSON"), json);
    }
}
