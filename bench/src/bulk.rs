//! Inserting a million tickets quickly: multi-row INSERTs inside large transactions.
//!
//! Row-at-a-time inserts would take minutes on SQLite (one statement round trip each), so each
//! statement carries `ROWS_PER_STATEMENT` rows whose constant columns reuse the first few
//! placeholders (`$1`..`$7`); both engines accept a numbered placeholder used many times.
use chrono::{DateTime, Utc};
use gatehouse::on_pool;
use gatehouse::store::Db;
use gatehouse::tickets::code::TicketCode;

/// 10,000 codes plus 7 constants stays under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const ROWS_PER_STATEMENT: usize = 10_000;
/// Few commits matter on SQLite, whose every commit is an fsync (synchronous = FULL).
const ROWS_PER_TRANSACTION: usize = 100_000;

/// The batch's constant columns; `contact` is set only for reserved tickets.
pub struct Batch {
    pub orq: i64,
    pub product_id: i64,
    pub status: &'static str,
    pub now: DateTime<Utc>,
    pub contact: Option<(&'static str, &'static str)>,
}

fn insert_sql(rows: usize) -> String {
    let mut sql = String::with_capacity(64 * rows + 256);
    sql.push_str(
        "INSERT INTO tickets (order_id, product_id, orq, status, created_at, activated_at,
                              reserved_at, customer_email, customer_phone, ticket_code) VALUES ",
    );
    for i in 0..rows {
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!("($1,$2,$3,$4,$5,$5,$6,$7,$8,${})", i + 9));
    }
    sql
}

/// Creates one paid order holding `count` new tickets and returns the order's id.
pub async fn insert_tickets(db: &Db, batch: &Batch, count: usize, year: i32) -> Result<i64, sqlx::Error> {
    let (order_id,): (i64,) = on_pool!(db, pool => sqlx::query_as(
        "INSERT INTO orders (orq, status, created_at) VALUES ($1, 'PAID', $2) RETURNING id")
        .bind(batch.orq).bind(batch.now).fetch_one(pool).await)?;
    let reserved_at = batch.contact.map(|_| batch.now);
    let email = batch.contact.map(|c| c.0);
    let phone = batch.contact.map(|c| c.1);
    let mut rng = rand::rng();
    let mut done = 0;
    while done < count {
        let in_tx = ROWS_PER_TRANSACTION.min(count - done);
        on_pool!(db, pool => {
            let mut tx = pool.begin().await?;
            let mut left = in_tx;
            while left > 0 {
                let rows = ROWS_PER_STATEMENT.min(left);
                let sql = insert_sql(rows);
                let mut query = sqlx::query(&sql)
                    .bind(order_id).bind(batch.product_id).bind(batch.orq).bind(batch.status)
                    .bind(batch.now).bind(reserved_at).bind(email).bind(phone);
                for _ in 0..rows {
                    query = query.bind(TicketCode::generate(year, &mut rng).as_str().to_owned());
                }
                query.execute(&mut *tx).await?;
                left -= rows;
            }
            tx.commit().await?;
        });
        done += in_tx;
    }
    Ok(order_id)
}

pub async fn ticket_ids_and_codes(db: &Db, order_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT id, ticket_code FROM tickets WHERE order_id = $1 ORDER BY id")
        .bind(order_id).fetch_all(pool).await)
}

/// Books every ticket of `order_id` into `slots` (spread by id) and keeps each slot's counter
/// equal to its live reservations, raising capacity so the CHECK constraint holds.
pub async fn reserve_order(
    db: &Db,
    order_id: i64,
    slots: &[i64],
    count: usize,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let ways = slots.len() as i64;
    on_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        for (k, slot_id) in slots.iter().enumerate() {
            sqlx::query("UPDATE reservation_slots SET total_capacity = total_capacity + $2 WHERE id = $1")
                .bind(slot_id).bind(count as i64).execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO ticket_reservations (ticket_id, slot_id, customer_email, customer_phone, reserved_at,
                                                  status, orq, created_at, updated_at)
                 SELECT id, $2, customer_email, customer_phone, $3, 'RESERVED', orq, $3, $3
                 FROM tickets WHERE order_id = $1 AND id % $4 = $5")
                .bind(order_id).bind(slot_id).bind(now).bind(ways).bind(k as i64)
                .execute(&mut *tx).await?;
            sqlx::query(
                "UPDATE reservation_slots SET booked_count = (
                     SELECT COUNT(*) FROM ticket_reservations r WHERE r.slot_id = $1 AND r.status <> 'CANCELLED')
                 WHERE id = $1")
                .bind(slot_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}
