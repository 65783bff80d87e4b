//! Syncing a scanner's offline queue: each scan applied once (by its nonce), as of when it was
//! made, and kept in the check-in log whatever became of it.
use super::admit::{take_admission, Held, Taken};
use super::facts::{entry_facts_by_codes, entry_facts_in, FactsRow};
use super::log::{recorded, set_outcome, OfflineEntry};
use super::offline::{check_batch, DoorKeys, OfflineScan, SyncError, SyncedScan, CONFLICT};
use super::scan::{organization_keys, ticket_code_from_scan, ScanError};
use super::verdict::{shown, Verdict};
use super::{entry_verdict, Door, EntryError};
use crate::error::DomainError;
use crate::ids::{OrgId, TicketId};
use crate::store::batch::Write;
use crate::store::Tx;
use crate::tickets::code::TicketCode;
use crate::tickets::signed::{self, KeyError, SignedTicket};
use crate::{org, Engine};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// Applies a device's offline scans and answers each, in the order sent.
///
/// A nonce the organization has already is answered as it was the first time and changes
/// nothing. Otherwise an admission takes effect at its scan time, on the venue's day at that
/// time (a scan at 23:58 synced after midnight is that day's); a ticket admitted by another scan
/// first is logged as a `CONFLICT` and answered `AlreadyVerified` with `conflict`; any other
/// refusal is logged with its code. Reads are one query each for the whole batch; the writes are
/// one job for the batcher, so a sync costs one commit however many scans it carries.
pub async fn sync(engine: &Engine, door: &Door, scans: &[OfflineScan]) -> Result<Vec<SyncedScan>, SyncError> {
    check_batch(scans)?;
    if scans.is_empty() {
        return Ok(Vec::new());
    }
    let now = engine.now();
    let nonces: Vec<&str> = scans.iter().map(|s| s.nonce.as_str()).collect();
    let mut answers = answered(engine, door.orq, &nonces).await?;
    let mut fresh: Vec<&OfflineScan> = Vec::new();
    for scan in scans {
        if !answers.contains_key(&scan.nonce) && !fresh.iter().any(|s| s.nonce == scan.nonce) {
            fresh.push(scan);
        }
    }
    if !fresh.is_empty() {
        let items = plan(engine, door.orq, &fresh, now).await?;
        let written = engine.batcher.write(SyncJob { door: door.clone(), now, items }).await?;
        engine.events.door(door.orq);
        answers.extend(written.into_iter().flatten().map(|s| (s.nonce.clone(), s)));
        // Nonces another sync of the same queue recorded meanwhile: answered as it was.
        let taken: Vec<&str> = fresh.iter().map(|s| s.nonce.as_str()).filter(|n| !answers.contains_key(*n)).collect();
        answers.extend(answered(engine, door.orq, &taken).await?);
    }
    scans.iter().map(|s| answers.get(&s.nonce).cloned().ok_or(SyncError::Storage(sqlx::Error::RowNotFound))).collect()
}

/// The organization's keys for a scanner to keep, made on first use, and its venue's zone and
/// today; `None` when it has no venue yet.
pub async fn door_keys(engine: &Engine, orq: OrgId) -> Result<Option<DoorKeys>, KeyError> {
    let now = engine.now();
    let Some(venue) = org::main_venue(&engine.db, orq).await? else { return Ok(None) };
    signed::keys::active_key(&engine.db, orq, now).await?;
    let keys = signed::public_keys(&engine.db, orq).await?;
    Ok(Some(DoorKeys { keys, today: venue.today(now), time_zone: venue.time_zone, now }))
}

async fn answered(engine: &Engine, orq: OrgId, nonces: &[&str]) -> Result<HashMap<String, SyncedScan>, SyncError> {
    let found = recorded(&engine.db, orq, nonces).await?;
    Ok(found.into_iter().map(|r| r.synced()).map(|s| (s.nonce.clone(), s)).collect())
}

/// What to do with each new scan, decided from one read of the keys and one of the tickets.
async fn plan(engine: &Engine, orq: OrgId, scans: &[&OfflineScan], now: DateTime<Utc>) -> Result<Vec<Item>, SyncError> {
    let keys = if scans.iter().any(|s| SignedTicket::is_payload(&s.scanned)) {
        organization_keys(&engine.db, orq).await?
    } else {
        Vec::new()
    };
    let read: Vec<Result<TicketCode, ScanError>> =
        scans.iter().map(|s| ticket_code_from_scan(&s.scanned, orq, &keys)).collect();
    let codes: Vec<&str> = read.iter().flatten().map(TicketCode::as_str).collect();
    let facts: HashMap<String, FactsRow> = entry_facts_by_codes(&engine.db, orq, &codes)
        .await?
        .into_iter()
        .map(|row| (row.ticket_code().to_string(), row))
        .collect();
    Ok(scans.iter().zip(read).map(|(scan, read)| Item::new(scan, read, &facts, now)).collect())
}

/// One new scan and what it comes to.
struct Item {
    nonce: String,
    /// As the device gave it.
    scanned_at: DateTime<Utc>,
    /// When the admission takes effect: the scan time, or the sync's if the device's clock ran
    /// ahead (nothing is admitted in the future).
    at: DateTime<Utc>,
    /// The ticket code read, or what was scanned as a screen shows it.
    input: String,
    ticket_id: Option<TicketId>,
    step: Step,
}

enum Step {
    /// Good for entry on the venue's day at the scan time: admit, exactly once.
    Admit { ticket_id: TicketId, code: String, today: NaiveDate },
    /// Refused from what was read: only logged.
    Refuse { verdict: Verdict, outcome: &'static str },
}

impl Item {
    fn new(
        scan: &OfflineScan,
        read: Result<TicketCode, ScanError>,
        facts: &HashMap<String, FactsRow>,
        now: DateTime<Utc>,
    ) -> Item {
        let at = scan.scanned_at.min(now);
        let (input, ticket_id, step) = match read {
            Err(e) => {
                let input = shown(&scan.scanned);
                let verdict = Verdict::Invalid { code: input.clone(), reason: e.code().into(), message: e.to_string() };
                (input, None, Step::Refuse { verdict, outcome: e.code() })
            }
            Ok(code) => match facts.get(code.as_str()) {
                None => (code.as_str().to_string(), None, Step::refused(code.as_str(), &EntryError::TicketNotFound)),
                Some(row) => {
                    let facts = row.clone().at(at);
                    let step = match entry_verdict(&facts) {
                        Ok(r) => Step::Admit {
                            ticket_id: facts.ticket_id,
                            code: facts.ticket_code.clone(),
                            today: r.venue_today,
                        },
                        Err(e) => Step::refused(&facts.ticket_code, &e),
                    };
                    (facts.ticket_code, Some(facts.ticket_id), step)
                }
            },
        };
        Item { nonce: scan.nonce.clone(), scanned_at: scan.scanned_at, at, input, ticket_id, step }
    }

    /// Applies the scan in the sync's transaction; `None` when its nonce is recorded already.
    async fn apply(&self, tx: &mut Tx, door: &Door, now: DateTime<Utc>) -> Result<Option<SyncedScan>, sqlx::Error> {
        let (verdict, outcome) = match &self.step {
            Step::Refuse { verdict, outcome } => (verdict.clone(), *outcome),
            Step::Admit { code, .. } => (Verdict::Admitted { code: code.clone() }, "VERIFIED"),
        };
        // The log entry first: it claims the nonce, so a concurrent sync of the same queue
        // finds it taken (or waits for this one) and admits nothing.
        let entry = OfflineEntry {
            door,
            ticket_id: self.ticket_id,
            input: &self.input,
            outcome,
            nonce: &self.nonce,
            scanned_at: self.scanned_at,
            answer: &verdict,
            now,
        };
        let Some(entry_id) = entry.insert(tx).await? else { return Ok(None) };
        let Step::Admit { ticket_id, today, .. } = &self.step else { return Ok(Some(self.answer(verdict, outcome))) };
        // A sync is one job whose scans are in ticket order: it may wait for a row.
        if let Taken::Admitted(_) = take_admission(tx, door, *ticket_id, *today, self.at, Held::Wait).await? {
            return Ok(Some(self.answer(verdict, outcome)));
        }
        // Admitted (or moved, cancelled) since the read: say what the ticket is now.
        let now_refused = match entry_facts_in(tx, door.orq, *ticket_id, self.at).await? {
            None => EntryError::TicketNotFound,
            Some(f) => entry_verdict(&f).err().unwrap_or(EntryError::NoReservation { ticket_status: f.status }),
        };
        let (verdict, outcome) = refusal(&self.input, &now_refused);
        set_outcome(tx, entry_id, outcome, &verdict).await?;
        Ok(Some(self.answer(verdict, outcome)))
    }

    fn answer(&self, verdict: Verdict, outcome: &str) -> SyncedScan {
        SyncedScan { nonce: self.nonce.clone(), verdict, conflict: outcome == CONFLICT }
    }
}

/// A refusal at the door, as answered and logged: a ticket admitted already is a conflict.
fn refusal(code: &str, e: &EntryError) -> (Verdict, &'static str) {
    let outcome = match e {
        EntryError::AlreadyVerified { .. } => CONFLICT,
        other => other.code(),
    };
    (Verdict::refused(code, e), outcome)
}

impl Step {
    fn refused(code: &str, e: &EntryError) -> Step {
        let (verdict, outcome) = refusal(code, e);
        Step::Refuse { verdict, outcome }
    }
}

/// A sync's writes: one job, so one transaction and one commit for the whole batch.
struct SyncJob {
    door: Door,
    now: DateTime<Utc>,
    items: Vec<Item>,
}

impl Write for SyncJob {
    /// Each item's answer, in the items' order; `None` for a nonce recorded already.
    type Output = Vec<Option<SyncedScan>>;

    async fn apply(&self, tx: &mut Tx) -> Result<Self::Output, sqlx::Error> {
        // In ticket order, so that two syncs (on several server instances) take row locks in
        // the same order and cannot deadlock; of two scans of one ticket, the earlier admits.
        let mut order: Vec<usize> = (0..self.items.len()).collect();
        order.sort_by_key(|&i| (self.items[i].ticket_id, self.items[i].at));
        let mut answers = vec![None; self.items.len()];
        for i in order {
            answers[i] = self.items[i].apply(tx, &self.door, self.now).await?;
        }
        Ok(answers)
    }
}
