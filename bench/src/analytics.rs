//! `gatehouse-bench analytics`: the admin analytics over a million check-in rows, timed.
//!
//! Seeds a year of slots (ten a day, 09–19 h, New York) for its own organization, half a million
//! tickets (85 % admitted, 10 % no-shows, 5 % never booked), their reservations with lead times
//! spread over a month, and two check-in rows per ticket (a check and an admission, or two
//! refusals), in multi-row INSERTs inside large transactions. Then runs the full analysis for a
//! 90-day range `--runs` times and prints each run, the median and the maximum.
use crate::database::BenchDatabase;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use gatehouse::analytics::{analyze, DateRange};
use gatehouse::clock::ManualClock;
use gatehouse::ids::OrgId;
use gatehouse::on_pool;
use gatehouse::store::Db;
use gatehouse::Engine;
use std::sync::Arc;
use std::time::Instant;

pub const USAGE: &str = "usage: gatehouse-bench analytics [--checkins N] [--runs N] [--postgres ADMIN_URL]

  --checkins N     check-in rows to seed, two per ticket (default 1000000)
  --runs N         analyses of the 90-day range to time (default 7)
  --postgres URL   run on PostgreSQL: a fresh database is created through this admin URL and dropped";

const SLOTS_PER_DAY: u32 = 10;
const FIRST_HOUR: u32 = 9;
const CAPACITY: i64 = 200;
/// Statements carry at most this many rows (parameters stay under SQLite's 32,766).
const ROWS_PER_STATEMENT: usize = 4_000;
const ROWS_PER_TRANSACTION: usize = 200_000;
const REFUSALS: [&str; 4] = ["WRONG_DATE", "NO_RESERVATION", "TICKET_NOT_FOUND", "ALREADY_VERIFIED"];

struct Options {
    checkins: usize,
    runs: usize,
    postgres: Option<String>,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options { checkins: 1_000_000, runs: 7, postgres: None };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = |v: &str| v.parse::<usize>().map_err(|_| format!("{flag} needs a number, got '{v}'"));
        match flag.as_str() {
            "--checkins" => options.checkins = number(&value)?.max(2),
            "--runs" => options.runs = number(&value)?.max(1),
            "--postgres" => options.postgres = Some(value),
            _ => return Err(format!("unknown option '{flag}'\n{USAGE}")),
        }
    }
    Ok(options)
}

pub async fn run(args: impl IntoIterator<Item = String>) -> Result<(), String> {
    let options = parse(args)?;
    let database = BenchDatabase::create(options.postgres.as_deref()).await?;
    let outcome = measure(&options, &database).await;
    if let Err(e) = database.remove().await {
        eprintln!("gatehouse-bench: could not drop the benchmark database: {e}");
    }
    outcome
}

async fn measure(options: &Options, database: &BenchDatabase) -> Result<(), String> {
    let backend = if database.is_postgres() { "PostgreSQL" } else { "SQLite" };
    let db = Db::connect(&database.url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let started = Instant::now();
    let year = NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?;
    let orq = seed(&db, year, options.checkins / 2).await.map_err(|e| format!("seeding: {e}"))?;
    let counts = counts(&db).await.map_err(|e| e.to_string())?;
    println!(
        "{backend}: seeded {} slots, {} tickets, {} reservations, {} check-in rows in {:.1} s",
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        started.elapsed().as_secs_f64()
    );

    let now = Utc.with_ymd_and_hms(2027, 1, 1, 12, 0, 0).single().ok_or("instant")?;
    let engine = Engine::new(db.clone(), Arc::new(ManualClock::at(now)));
    let range = DateRange::ending(NaiveDate::from_ymd_opt(2026, 8, 31).ok_or("date")?, 90);
    let mut times = Vec::new();
    for run in 1..=options.runs {
        let started = Instant::now();
        let a = analyze(&engine, orq, range).await.map_err(|e| format!("analysis: {e:?}"))?;
        let took = started.elapsed().as_secs_f64() * 1000.0;
        times.push(took);
        if run == 1 {
            println!(
                "range {} to {}: {} slots, {} reservations, {} activated, {} refusals",
                range.from(),
                range.until(),
                a.slots.len(),
                a.lead_time.reservations,
                a.conversion.activated,
                a.refusals.iter().map(|(_, n)| n).sum::<i64>()
            );
        }
        println!("  run {run}: {took:.1} ms");
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let max = times[times.len() - 1];
    println!("{backend}: analytics over {} check-in rows, 90 days: median {median:.1} ms, max {max:.1} ms", counts[3]);
    engine.events.close();
    db.close().await;
    Ok(())
}

async fn counts(db: &Db) -> Result<[i64; 4], sqlx::Error> {
    let mut out = [0; 4];
    for (i, table) in ["reservation_slots", "tickets", "ticket_reservations", "checkin_log"].iter().enumerate() {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let (n,): (i64,) = on_pool!(db, pool => sqlx::query_as(&sql).fetch_one(pool).await)?;
        out[i] = n;
    }
    Ok(out)
}

/// One ticket of the plan: its slot, when it was activated and booked, and what became of it.
struct Ticket {
    slot: usize,
    activated_at: DateTime<Utc>,
    reserved_at: Option<DateTime<Utc>>,
    status: &'static str,
}

fn plan(i: usize, slot_starts: &[DateTime<Utc>]) -> Ticket {
    let slot = (i * 7) % slot_starts.len();
    let lead = Duration::hours(((i * 7919) % 720) as i64) + Duration::minutes((i % 60) as i64);
    let reserved_at = slot_starts[slot] - lead;
    let activated_at = reserved_at - Duration::hours((i % 48) as i64);
    let (status, reserved) = match i % 20 {
        0..=16 => ("VERIFIED", true),
        17 | 18 => ("EXPIRED", true),
        _ => ("ACTIVATED", false),
    };
    Ticket { slot, activated_at, reserved_at: reserved.then_some(reserved_at), status }
}

async fn seed(db: &Db, first_day: NaiveDate, tickets: usize) -> Result<OrgId, sqlx::Error> {
    let now = Utc.with_ymd_and_hms(2025, 12, 1, 0, 0, 0).single().unwrap_or_default();
    let (orq,): (i64,) = on_pool!(db, pool => sqlx::query_as(
        "INSERT INTO organizations (slug, name, created_at) VALUES ('bench', 'Bench museum', $1) RETURNING id")
        .bind(now).fetch_one(pool).await)?;
    let (venue,): (i64,) = on_pool!(db, pool => sqlx::query_as(
        "INSERT INTO venues (orq, name, time_zone) VALUES ($1, 'Bench museum', 'America/New_York') RETURNING id")
        .bind(orq).fetch_one(pool).await)?;
    let (product,): (i64,) = on_pool!(db, pool => sqlx::query_as(
        "INSERT INTO products (orq, name) VALUES ($1, 'Entry') RETURNING id").bind(orq).fetch_one(pool).await)?;
    let (order,): (i64,) = on_pool!(db, pool => sqlx::query_as(
        "INSERT INTO orders (orq, status, created_at) VALUES ($1, 'PAID', $2) RETURNING id")
        .bind(orq).bind(now).fetch_one(pool).await)?;

    let slots = insert_slots(db, orq, venue, first_day, now).await?;
    let starts: Vec<DateTime<Utc>> = slots.iter().map(|(_, s)| *s).collect();
    let plans: Vec<Ticket> = (0..tickets).map(|i| plan(i, &starts)).collect();
    let ids = insert_tickets(db, orq, product, order, &plans, &starts).await?;
    insert_reservations(db, orq, &plans, &ids, &slots).await?;
    insert_checkins(db, orq, &plans, &ids, &starts).await?;
    on_pool!(db, pool => sqlx::query(
        "UPDATE reservation_slots SET booked_count = (
             SELECT COUNT(*) FROM ticket_reservations r WHERE r.slot_id = reservation_slots.id AND r.status <> 'CANCELLED')
         WHERE orq = $1").bind(orq).execute(pool).await.map(|_| ()))?;
    // Fresh statistics, as PostgreSQL's autovacuum (and SQLite's `PRAGMA optimize`) keep them.
    match db {
        Db::Sqlite(pool) => sqlx::query("ANALYZE").execute(pool).await.map(|_| ())?,
        Db::Postgres(pool) => sqlx::query("VACUUM ANALYZE").execute(pool).await.map(|_| ())?,
    }
    Ok(OrgId(orq))
}

/// Runs `statement(rows)` over `count` rows in chunks, `ROWS_PER_TRANSACTION` per transaction.
macro_rules! in_chunks {
    ($db:expr, $count:expr, $per_statement:expr, |$tx:ident, $range:ident| $body:expr) => {{
        let mut done = 0usize;
        while done < $count {
            let end_tx = (done + ROWS_PER_TRANSACTION).min($count);
            on_pool!($db, pool => {
                let mut $tx = pool.begin().await?;
                while done < end_tx {
                    let $range = done..(done + $per_statement).min(end_tx);
                    done = $range.end;
                    $body;
                }
                $tx.commit().await?;
            });
        }
    }};
}

/// `rows` tuples of placeholders for a multi-row INSERT.
fn values(rows: usize, row: impl Fn(usize) -> String) -> String {
    (0..rows).map(row).collect::<Vec<_>>().join(",")
}

async fn insert_slots(
    db: &Db,
    orq: i64,
    venue: i64,
    first_day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<(i64, DateTime<Utc>)>, sqlx::Error> {
    let tz = chrono_tz::America::New_York;
    let mut rows = Vec::new();
    for day in first_day.iter_days().take(365) {
        for k in 0..SLOTS_PER_DAY {
            let start = NaiveTime::from_hms_opt(FIRST_HOUR + k, 0, 0).unwrap_or_default();
            let end = NaiveTime::from_hms_opt(FIRST_HOUR + k + 1, 0, 0).unwrap_or_default();
            let at = |t: NaiveTime| tz.from_local_datetime(&day.and_time(t)).earliest().map(|t| t.with_timezone(&Utc));
            if let (Some(starts_at), Some(ends_at)) = (at(start), at(end)) {
                rows.push((day, start, end, starts_at, ends_at));
            }
        }
    }
    let per_statement = 1_000;
    in_chunks!(db, rows.len(), per_statement, |tx, chunk| {
        let sql = format!(
            "INSERT INTO reservation_slots (orq, venue_id, total_capacity, created_at, updated_at,
                                            date, start_time, end_time, starts_at, ends_at) VALUES {}",
            values(chunk.len(), |r| {
                let b = 5 + r * 5;
                format!("($1,$2,$3,$4,$4,${},${},${},${},${})", b, b + 1, b + 2, b + 3, b + 4)
            })
        );
        let mut q = sqlx::query(&sql).bind(orq).bind(venue).bind(CAPACITY).bind(now);
        for (day, start, end, starts_at, ends_at) in &rows[chunk] {
            q = q.bind(*day).bind(*start).bind(*end).bind(*starts_at).bind(*ends_at);
        }
        q.execute(&mut *tx).await?
    });
    on_pool!(db, pool => sqlx::query_as(
        "SELECT id, starts_at FROM reservation_slots WHERE orq = $1 ORDER BY date, start_time")
        .bind(orq).fetch_all(pool).await)
}

async fn insert_tickets(
    db: &Db,
    orq: i64,
    product: i64,
    order: i64,
    plans: &[Ticket],
    starts: &[DateTime<Utc>],
) -> Result<Vec<i64>, sqlx::Error> {
    in_chunks!(db, plans.len(), ROWS_PER_STATEMENT, |tx, chunk| {
        let sql = format!(
            "INSERT INTO tickets (order_id, product_id, orq, ticket_code, status, created_at, activated_at,
                                  reserved_at, verified_at) VALUES {}",
            values(chunk.len(), |r| {
                let b = 4 + r * 5;
                format!("($1,$2,$3,${},${},${},${},${},${})", b, b + 1, b + 2, b + 2, b + 3, b + 4)
            })
        );
        let mut q = sqlx::query(&sql).bind(order).bind(product).bind(orq);
        for i in chunk {
            let t = &plans[i];
            let verified_at = (t.status == "VERIFIED").then(|| starts[t.slot] + Duration::minutes((i % 30) as i64));
            q = q
                .bind(format!("BENCH{i:08}"))
                .bind(t.status)
                .bind(t.activated_at)
                .bind(t.reserved_at)
                .bind(verified_at);
        }
        q.execute(&mut *tx).await?
    });
    on_pool!(db, pool => sqlx::query_scalar("SELECT id FROM tickets WHERE order_id = $1 ORDER BY id")
        .bind(order).fetch_all(pool).await)
}

async fn insert_reservations(
    db: &Db,
    orq: i64,
    plans: &[Ticket],
    ids: &[i64],
    slots: &[(i64, DateTime<Utc>)],
) -> Result<(), sqlx::Error> {
    let booked: Vec<usize> = (0..plans.len()).filter(|&i| plans[i].reserved_at.is_some()).collect();
    in_chunks!(db, booked.len(), ROWS_PER_STATEMENT, |tx, chunk| {
        let sql = format!(
            "INSERT INTO ticket_reservations (orq, customer_email, customer_phone, ticket_id, slot_id, reserved_at,
                                              status, created_at, updated_at) VALUES {}",
            values(chunk.len(), |r| {
                let b = 4 + r * 4;
                format!("($1,$2,$3,${},${},${},${},${},${})", b, b + 1, b + 2, b + 3, b + 2, b + 2)
            })
        );
        let mut q = sqlx::query(&sql).bind(orq).bind("visitor@example.com").bind("+12025550100");
        for &i in &booked[chunk] {
            let t = &plans[i];
            let status = if t.status == "VERIFIED" { "VERIFIED" } else { "RESERVED" };
            q = q.bind(ids[i]).bind(slots[t.slot].0).bind(t.reserved_at).bind(status);
        }
        q.execute(&mut *tx).await?
    });
    Ok(())
}

/// Two rows per ticket: a check and an admission for those admitted, two refusals for the rest.
async fn insert_checkins(
    db: &Db,
    orq: i64,
    plans: &[Ticket],
    ids: &[i64],
    starts: &[DateTime<Utc>],
) -> Result<(), sqlx::Error> {
    let rows = plans.len() * 2;
    in_chunks!(db, rows, ROWS_PER_STATEMENT, |tx, chunk| {
        let sql = format!(
            "INSERT INTO checkin_log (orq, device, ticket_id, code_input, action, outcome, created_at) VALUES {}",
            values(chunk.len(), |r| {
                let b = 3 + r * 5;
                format!("($1,$2,${},${},${},${},${})", b, b + 1, b + 2, b + 3, b + 4)
            })
        );
        let mut q = sqlx::query(&sql).bind(orq).bind("bench");
        for row in chunk {
            let (i, second) = (row / 2, row % 2 == 1);
            let t = &plans[i];
            let at = starts[t.slot] + Duration::minutes((i % 30) as i64) + Duration::seconds(second as i64);
            let (action, outcome) = match (t.status, second) {
                ("VERIFIED", false) => ("VALIDATE", "VALID"),
                ("VERIFIED", true) => ("VERIFY", "VERIFIED"),
                (_, _) => ("VALIDATE", REFUSALS[(row / 3) % REFUSALS.len()]),
            };
            q = q.bind(ids[i]).bind(format!("#{}", ids[i])).bind(action).bind(outcome).bind(at);
        }
        q.execute(&mut *tx).await?
    });
    Ok(())
}
