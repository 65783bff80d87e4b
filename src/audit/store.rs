//! The audit log's table.
use super::{Action, Change, Entry, Filter, PAGE};
use crate::ids::OrgId;
use crate::store::{Db, Tx};
use crate::{on_pool, on_tx};
use chrono::{DateTime, Utc};
use serde_json::Value;

/// Writes `change` inside the transaction that makes it.
pub async fn record(tx: &mut Tx, orq: OrgId, change: &Change, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string);
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO audit_log (orq, actor_id, action, subject, summary, before_state, after_state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(orq).bind(change.actor).bind(change.action.as_str()).bind(change.subject.key())
        .bind(&change.summary).bind(json(&change.before)).bind(json(&change.after)).bind(at)
        .execute(&mut *conn).await.map(|_| ()))
}

type Row = (i64, DateTime<Utc>, Option<String>, String, String, String, Option<String>, Option<String>);

/// The organization's entries that `filter` lets through, newest first, at most `PAGE`.
pub async fn list(db: &Db, orq: OrgId, filter: &Filter) -> Result<Vec<Entry>, sqlx::Error> {
    // One statement whatever the filter: each condition switches itself off when its value is null.
    let sql = "SELECT a.id, a.created_at, u.display_name, a.action, a.subject, a.summary, a.before_state, a.after_state
               FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
               WHERE a.orq = $1
                 AND ($2 IS NULL OR a.action = $2)
                 AND ($3 IS NULL OR a.actor_id = $3)
                 AND ($4 IS NULL OR a.subject = $4)
                 AND ($5 IS NULL OR a.created_at >= $5)
                 AND ($6 IS NULL OR a.created_at < $6)
                 AND ($7 IS NULL OR a.id < $7)
               ORDER BY a.id DESC LIMIT $8";
    let rows: Vec<Row> = on_pool!(db, pool => sqlx::query_as(sql)
        .bind(orq).bind(filter.action.map(Action::as_str)).bind(filter.actor).bind(filter.subject.as_deref())
        .bind(filter.from).bind(filter.until).bind(filter.before_id).bind(PAGE)
        .fetch_all(pool).await)?;
    Ok(rows.into_iter().filter_map(entry).collect())
}

fn entry((id, at, actor, action, subject, summary, before, after): Row) -> Option<Entry> {
    let Some(action) = Action::parse(&action) else {
        tracing::error!(action, id, "an audit entry has an unknown action; not shown");
        return None;
    };
    let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Some(Entry {
        id,
        at,
        actor: actor.unwrap_or_else(|| "command line".to_string()),
        action,
        subject,
        summary,
        before: json(before),
        after: json(after),
    })
}

/// The actions the organization's log holds, for the filter's choices.
pub async fn actions_in_use(db: &Db, orq: OrgId) -> Result<Vec<Action>, sqlx::Error> {
    let names: Vec<(String,)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT DISTINCT action FROM audit_log WHERE orq = $1 ORDER BY action")
        .bind(orq).fetch_all(pool).await)?;
    Ok(names.into_iter().filter_map(|(n,)| Action::parse(&n)).collect())
}
