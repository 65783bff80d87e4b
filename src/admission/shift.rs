//! An operator's shift at the door, counted from the check-in log: how many they admitted and
//! how many scans they turned away, by reason.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShiftTally {
    pub admitted: i64,
    /// Refusals by their code (`WRONG_DATE`, `ALREADY_VERIFIED`, …), most frequent first.
    pub refused: Vec<(String, i64)>,
}

impl ShiftTally {
    pub fn refused_total(&self) -> i64 {
        self.refused.iter().map(|(_, n)| n).sum()
    }
}

#[cfg(feature = "ssr")]
pub use store::shift_tally;

#[cfg(feature = "ssr")]
mod store {
    use super::ShiftTally;
    use crate::ids::UserId;
    use crate::on_pool;
    use crate::store::Db;
    use chrono::{DateTime, Utc};

    /// What `operator` did at the door since `since` (their sign-in), in one grouped query over the
    /// log's operator index.
    pub async fn shift_tally(db: &Db, operator: UserId, since: DateTime<Utc>) -> Result<ShiftTally, sqlx::Error> {
        let rows: Vec<(String, String, i64)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT action, outcome, COUNT(*) FROM checkin_log
         WHERE operator_id = $1 AND created_at >= $2 GROUP BY action, outcome")
        .bind(operator).bind(since).fetch_all(pool).await)?;
        let mut tally = ShiftTally::default();
        for (action, outcome, count) in rows {
            match (action.as_str(), outcome.as_str()) {
                ("VERIFY", "VERIFIED") => tally.admitted += count,
                // A good check is followed by an admission or by nothing: neither is a refusal.
                ("VALIDATE", "VALID") => {}
                (_, reason) => match tally.refused.iter_mut().find(|(r, _)| r == reason) {
                    Some((_, n)) => *n += count,
                    None => tally.refused.push((reason.to_string(), count)),
                },
            }
        }
        tally.refused.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(tally)
    }
}
