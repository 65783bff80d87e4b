//! SQLite's query plans, for tests that keep a statement on its index. SQLite plans without
//! statistics, and an index that names the organization first (`orq, lower(customer_email)`)
//! can win over the selective one beside it: a statement then reads every row of the
//! organization (issue 16: each admission read a day's 100,000 reservations).
use super::Db;

/// The steps of SQLite's plan for `statement` (with `params` placeholders, bound to NULL) on a
/// new, migrated database.
pub async fn sqlite_plan(statement: &str, params: usize) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("gatehouse-plan-{}-{}", std::process::id(), rand::random::<u64>()));
    let db = Db::connect(&format!("sqlite:{}", dir.join("plan.db").display())).await.expect("connect");
    db.migrate().await.expect("migrate");
    let Db::Sqlite(pool) = &db else { unreachable!("a sqlite: address") };
    let sql = format!("EXPLAIN QUERY PLAN {statement}");
    let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(&sql);
    for _ in 0..params {
        query = query.bind(None::<i64>);
    }
    let plan = query.fetch_all(pool).await.expect("plan");
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    plan.into_iter().map(|(_, _, _, step)| step).collect()
}

/// Asserts that every step of `statement`'s plan that reads `table` searches it by `key`.
pub async fn assert_sqlite_reads_by(statement: &str, params: usize, table: &str, key: &str) {
    let plan = sqlite_plan(statement, params).await;
    let steps: Vec<&String> = plan.iter().filter(|step| step.contains(table)).collect();
    let by_key = format!("({key}=?");
    assert!(!steps.is_empty() && steps.iter().all(|step| step.contains(&by_key)), "{statement}\n{steps:?}");
}
