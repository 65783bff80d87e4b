//! The database the benchmark starts from, prepared through the `gatehouse` library before any
//! server runs: the demo museum, tickets in bulk, capacities set so each scenario measures what
//! its name says, and an operator API token.
use crate::bulk::{self, Batch};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use gatehouse::clock::SystemClock;
use gatehouse::store::Db;
use gatehouse::{demo, on_pool, org, staff};
use std::time::Instant;

/// So `spread` measures throughput, never fullness.
const SPREAD_CAPACITY: i64 = 100_000;
const EMAIL: &str = "bench@example.com";
const PHONE: &str = "+12025550100";

pub struct Fixtures {
    pub orq: i64,
    pub token: String,
    /// Venue-local current month, `YYYY-MM`.
    pub month: String,
    pub activated_order: i64,
    /// Ids and codes: a booking names its ticket by code.
    pub activated: Vec<(i64, String)>,
    pub scan_order: i64,
    /// Tickets reserved into today's slots: (id, code).
    pub scan: Vec<(i64, String)>,
    /// Future slots with capacity raised, for `spread`.
    pub spread_slots: Vec<i64>,
    /// One future slot at its seeded capacity (200), for `hot`.
    pub hot_slot: i64,
    pub hot_capacity: i64,
    /// A future slot and its day (`YYYY-MM-DD`), for `live`.
    pub live: (i64, String),
}

pub struct Sizes {
    pub activated: usize,
    pub scan: usize,
    /// How long the run may last, so today's slots chosen for `scan` outlive it.
    pub run_length: Duration,
}

fn step(label: &str, started: Instant) {
    println!("  {label:<50} {:>7.1} s", started.elapsed().as_secs_f64());
}

fn storage(what: &str) -> impl FnOnce(sqlx::Error) -> String + '_ {
    move |e| format!("{what}: {e}")
}

pub async fn prepare(url: &str, sizes: &Sizes) -> Result<Fixtures, String> {
    let started = Instant::now();
    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    demo::seed_demo(&db, &SystemClock).await.map_err(|e| format!("demo seed: {e}"))?;
    step("migrated and seeded the demo museum", started);

    let museum = org::organization_by_slug(&db, demo::DEMO_SLUG)
        .await
        .map_err(storage("organization"))?
        .ok_or("the demo organization is missing after seeding")?;
    let venue = org::main_venue(&db, museum.id)
        .await
        .map_err(storage("venue"))?
        .ok_or("the demo venue is missing after seeding")?;
    let now = Utc::now();
    let today = venue.today(now);
    let (product_id,): (i64,) = on_pool!(&db, pool => sqlx::query_as(
        "SELECT id FROM products WHERE orq = $1 ORDER BY id LIMIT 1")
        .bind(museum.id).fetch_one(pool).await)
    .map_err(storage("product"))?;

    let batch = Batch { orq: museum.id.0, product_id, status: "ACTIVATED", now, contact: None };
    let activated_order =
        bulk::insert_tickets(&db, &batch, sizes.activated, today.year()).await.map_err(storage("activated tickets"))?;
    let activated = bulk::ticket_ids_and_codes(&db, activated_order).await.map_err(storage("activated ids"))?;
    step(&format!("inserted {} activated tickets", activated.len()), started);

    let (spread_slots, hot_slot, hot_capacity) = booking_slots(&db, museum.id.0, today).await?;

    let live_slot = *spread_slots.first().ok_or("no future slot for live")?;
    let (live_day,): (NaiveDate,) = on_pool!(&db, pool => sqlx::query_as(
        "SELECT date FROM reservation_slots WHERE id = $1").bind(live_slot).fetch_one(pool).await)
    .map_err(storage("live slot"))?;

    let today_slots = scan_slots(&db, museum.id.0, today, now + sizes.run_length).await?;
    let batch = Batch { status: "RESERVED", contact: Some((EMAIL, PHONE)), ..batch };
    let scan_order =
        bulk::insert_tickets(&db, &batch, sizes.scan, today.year()).await.map_err(storage("reserved tickets"))?;
    bulk::reserve_order(&db, scan_order, &today_slots, sizes.scan, now)
        .await
        .map_err(storage("reservations for today"))?;
    let scan = bulk::ticket_ids_and_codes(&db, scan_order).await.map_err(storage("reserved ids"))?;
    step(&format!("inserted {} tickets reserved for {today}", scan.len()), started);

    let operator = staff::user_by_username(&db, "operator")
        .await
        .map_err(storage("operator"))?
        .ok_or("the demo operator is missing")?;
    let token = staff::issue_token(&db, operator.id, "bench", Utc::now()).await.map_err(storage("token"))?;
    // Closed before any server opens the database: on SQLite the last connection to close
    // checkpoints the WAL, so the server starts from a compact file rather than a huge log.
    db.close().await;

    Ok(Fixtures {
        orq: museum.id.0,
        token,
        month: today.format("%Y-%m").to_string(),
        activated_order,
        activated,
        scan_order,
        scan,
        spread_slots,
        hot_slot,
        hot_capacity,
        live: (live_slot, live_day.to_string()),
    })
}

/// Future days' open slots: the furthest one stays at its seeded capacity for `hot`, the rest get
/// room enough for `spread`. Today is left out: its slots may start during the run.
async fn booking_slots(db: &Db, orq: i64, today: NaiveDate) -> Result<(Vec<i64>, i64, i64), String> {
    let slots: Vec<(i64, i64)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, total_capacity FROM reservation_slots
         WHERE orq = $1 AND date > $2 AND status = 'ACTIVE' AND booked_count = 0
         ORDER BY starts_at")
        .bind(orq).bind(today).fetch_all(pool).await)
    .map_err(storage("future slots"))?;
    let mut spread: Vec<i64> = slots.iter().map(|s| s.0).collect();
    let (hot, hot_capacity) = *slots.last().ok_or("no future slot to book")?;
    spread.pop();
    on_pool!(db, pool => sqlx::query(
        "UPDATE reservation_slots SET total_capacity = $2
         WHERE orq = $1 AND date > $3 AND status = 'ACTIVE' AND id <> $4")
        .bind(orq).bind(SPREAD_CAPACITY).bind(today).bind(hot).execute(pool).await.map(|_| ()))
    .map_err(storage("raising capacity"))?;
    Ok((spread, hot, hot_capacity))
}

/// Today's slots that end after the run: the server's expiry job expires reservations of ended
/// slots (and runs at start-up), which would turn the scanned tickets EXPIRED. Late in the venue's
/// day none is left, so the last one is kept open past the run instead; the date, which is what
/// the door checks, stays today.
async fn scan_slots(db: &Db, orq: i64, today: NaiveDate, open_until: DateTime<Utc>) -> Result<Vec<i64>, String> {
    let slots: Vec<(i64,)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id FROM reservation_slots WHERE orq = $1 AND date = $2 AND ends_at > $3 ORDER BY start_time")
        .bind(orq).bind(today).bind(open_until).fetch_all(pool).await)
    .map_err(storage("today's slots"))?;
    if !slots.is_empty() {
        return Ok(slots.into_iter().map(|(id,)| id).collect());
    }
    let last: Option<(i64,)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id FROM reservation_slots WHERE orq = $1 AND date = $2 ORDER BY start_time DESC LIMIT 1")
        .bind(orq).bind(today).fetch_optional(pool).await)
    .map_err(storage("today's last slot"))?;
    let (id,) = last.ok_or_else(|| format!("no slot on {today}"))?;
    println!("  note: every slot of {today} ends before the run would; keeping slot {id} open");
    on_pool!(db, pool => sqlx::query("UPDATE reservation_slots SET ends_at = $2 WHERE id = $1")
        .bind(id).bind(open_until + Duration::hours(1)).execute(pool).await.map(|_| ()))
    .map_err(storage("extending today's last slot"))?;
    Ok(vec![id])
}
