//! `gatehouse-bench shop`: the shop's hot writes in process, through the engine and its
//! batcher (no HTTP), then the database is checked.
//!
//! 1. `holds`: `--clients` tasks add one unit of one of `--products` products (stock 10⁶ each,
//!    so it never runs out) to a new cart each time, for `--seconds`.
//! 2. `contended`: the same tasks race for one product of `--stock` units until the deadline:
//!    exactly `--stock` holds succeed, the rest are NOT_ENOUGH_STOCK.
//! 3. `checkouts`: the carts that hold a unit from `holds` check out, all into one pickup window.
//!
//! With `--instances N` the tasks are spread over N engines (N batchers: N server instances)
//! on one database. Checks: no product's stock is negative, each product's stock plus its sold
//! units is its initial stock, live holds plus sold never exceed it, every answered checkout is
//! one order with its item and none more, and the window's booked count is its orders.
use crate::database::BenchDatabase;
use chrono::{Duration as Days, NaiveTime, TimeZone, Utc};
use gatehouse::clock::{Clock, ManualClock};
use gatehouse::contact::PhoneE164;
use gatehouse::error::DomainError;
use gatehouse::ids::{OrgId, PickupWindowId, ShopProductId};
use gatehouse::org::Venue;
use gatehouse::shop::catalogue::{create_product, NewProduct};
use gatehouse::shop::checkout::{checkout, CheckoutForm};
use gatehouse::shop::windows::{ensure_windows, PickupHours};
use gatehouse::shop::{holds, CartId, Currency, CustomerName, Instructions, Quantity};
use gatehouse::store::Db;
use gatehouse::{on_pool, Engine};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const USAGE: &str = "usage: gatehouse-bench shop [--clients N] [--seconds N] [--products N] [--stock N] [--instances N] [--postgres ADMIN_URL]

  --clients N      concurrent tasks (default 1000)
  --seconds N      length of each phase (default 10)
  --products N     products the holds phase spreads over (default 4: few hot rows)
  --stock N        units of the contended product (default 5000)
  --instances N    engines on the one database, as server instances would be (default 1)
  --postgres URL   run on PostgreSQL: a fresh database is created through this admin URL and dropped";

const BIG_STOCK: i64 = 1_000_000;

struct Options {
    clients: usize,
    seconds: u64,
    products: usize,
    stock: i64,
    instances: usize,
    postgres: Option<String>,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut o = Options { clients: 1000, seconds: 10, products: 4, stock: 5000, instances: 1, postgres: None };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let number = |v: &str| v.parse::<usize>().map_err(|_| format!("{flag} needs a number, got '{v}'"));
        match flag.as_str() {
            "--clients" => o.clients = number(&value)?.max(1),
            "--seconds" => o.seconds = number(&value)?.max(1) as u64,
            "--products" => o.products = number(&value)?.max(1),
            "--stock" => o.stock = number(&value)?.max(1) as i64,
            "--instances" => o.instances = number(&value)?.max(1),
            "--postgres" => o.postgres = Some(value),
            _ => return Err(format!("unknown option '{flag}'\n{USAGE}")),
        }
    }
    Ok(o)
}

pub async fn run(args: impl IntoIterator<Item = String>) -> Result<bool, String> {
    let options = parse(args)?;
    let database = BenchDatabase::create(options.postgres.as_deref()).await?;
    let outcome = measure(&options, &database).await;
    if let Err(e) = database.remove().await {
        eprintln!("gatehouse-bench: could not drop the benchmark database: {e}");
    }
    outcome
}

struct Shop {
    orq: OrgId,
    hot: Vec<ShopProductId>,
    contended: ShopProductId,
    window: PickupWindowId,
}

async fn seed(db: &Db, options: &Options) -> Result<Shop, sqlx::Error> {
    let now = Utc::now();
    let venue: Venue = on_pool!(db, pool => async {
        let (orq,): (OrgId,) = sqlx::query_as(
            "INSERT INTO organizations (slug, name, created_at) VALUES ('bench-deli', 'Bench Deli', $1) RETURNING id")
            .bind(now).fetch_one(pool).await?;
        sqlx::query_as("INSERT INTO venues (orq, name, time_zone) VALUES ($1, 'Bench Deli', 'America/New_York')
                        RETURNING id, orq, name, time_zone, address")
            .bind(orq).fetch_one(pool).await
    }.await)?;
    let product = |slug: String, stock: i64| NewProduct {
        name: slug.clone(),
        image_path: format!("/shop/img/{slug}.svg"),
        slug,
        description: String::new(),
        price_minor: 450,
        currency: Currency::USD,
        stock,
        low_stock_threshold: 0,
    };
    let mut hot = Vec::new();
    for i in 0..options.products {
        hot.push(
            create_product(db, venue.orq, &product(format!("hot-{i}"), BIG_STOCK), now)
                .await?
                .ok_or(sqlx::Error::RowNotFound)?,
        );
    }
    let contended = create_product(db, venue.orq, &product("contended".into(), options.stock), now)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let hours = PickupHours {
        first_start: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
        close: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
        length: Days::minutes(15),
        capacity: 10_000_000,
    };
    let tomorrow = venue.today(now) + Days::days(1);
    ensure_windows(db, &venue, &hours, tomorrow, 1).await?;
    let (window,): (PickupWindowId,) = on_pool!(db, pool => sqlx::query_as(
        "SELECT id FROM shop_pickup_windows WHERE orq = $1 ORDER BY starts_at LIMIT 1")
        .bind(venue.orq).fetch_one(pool).await)?;
    Ok(Shop { orq: venue.orq, hot, contended, window })
}

/// Attempts answered, those that succeeded, and the carts that won.
#[derive(Default)]
struct Phase {
    answered: usize,
    won: Vec<CartId>,
    refused: usize,
    errors: usize,
    first_error: Option<String>,
}

impl Phase {
    fn print(&self, name: &str, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        println!(
            "  {name:<10} {:>8} answered {:>9.0}/s   {:>8} won {:>9.0}/s   {:>8} refused   {} errors",
            self.answered,
            self.answered as f64 / secs,
            self.won.len(),
            self.won.len() as f64 / secs,
            self.refused,
            self.errors
        );
        if let Some(e) = &self.first_error {
            println!("    first error: {e}");
        }
    }
}

/// Runs `clients` tasks until `deadline`, each calling `attempt(engine, n)` with a new number
/// `n`; an attempt answers the cart that won, or the error's code.
async fn phase<F, Fut>(engines: &[Engine], clients: usize, length: Duration, attempt: F) -> (Phase, Duration)
where
    F: Fn(Engine, usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Option<Result<CartId, String>>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let result = Arc::new(Mutex::new(Phase::default()));
    let started = Instant::now();
    let deadline = started + length;
    let tasks: Vec<_> = (0..clients)
        .map(|task| {
            let (engine, next, result, attempt) =
                (engines[task % engines.len()].clone(), next.clone(), result.clone(), attempt.clone());
            tokio::spawn(async move {
                let mut mine = Phase::default();
                while Instant::now() < deadline {
                    let Some(outcome) = attempt(engine.clone(), next.fetch_add(1, Ordering::Relaxed)).await else {
                        break;
                    };
                    mine.answered += 1;
                    match outcome {
                        Ok(cart) => mine.won.push(cart),
                        Err(code) if code != "INTERNAL" => mine.refused += 1,
                        Err(code) => {
                            mine.errors += 1;
                            mine.first_error.get_or_insert(code);
                        }
                    }
                }
                let mut all = result.lock().unwrap_or_else(|e| e.into_inner());
                all.answered += mine.answered;
                all.refused += mine.refused;
                all.errors += mine.errors;
                all.won.extend(mine.won);
                if all.first_error.is_none() {
                    all.first_error = mine.first_error;
                }
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed();
    let phase = std::mem::take(&mut *result.lock().unwrap_or_else(|e| e.into_inner()));
    (phase, elapsed)
}

fn cart(prefix: &str, n: usize) -> CartId {
    CartId::parse(&format!("bench_{prefix}_{n:09}")).unwrap_or_else(|_| unreachable!("a valid cart id"))
}

async fn measure(options: &Options, database: &BenchDatabase) -> Result<bool, String> {
    let backend = if database.is_postgres() { "PostgreSQL" } else { "SQLite" };
    let db = Db::connect(&database.url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let shop = Arc::new(seed(&db, options).await.map_err(|e| format!("seeding: {e}"))?);
    // The clock stands still: no hold expires during the run, so every hold counts.
    let clock = ManualClock::at(Utc.timestamp_opt(Utc::now().timestamp(), 0).single().unwrap_or_else(Utc::now));
    let engines: Vec<Engine> =
        (0..options.instances).map(|_| Engine::new(db.clone(), Arc::new(clock.clone()))).collect();
    let length = Duration::from_secs(options.seconds);
    println!(
        "{backend}: {} engine(s), {} clients, {} s per phase, {} hot products, contended stock {}",
        options.instances, options.clients, options.seconds, options.products, options.stock
    );

    let s = shop.clone();
    let (holds_run, took) = phase(&engines, options.clients, length, move |engine, n| {
        let s = s.clone();
        async move {
            let c = cart("h", n);
            let product = s.hot[n % s.hot.len()];
            let one = Quantity::new(1).ok()?;
            Some(holds::add(&engine, s.orq, &c, product, one).await.map(|_| c).map_err(|e| e.code().to_string()))
        }
    })
    .await;
    holds_run.print("holds", took);

    let s = shop.clone();
    let (contended, took) = phase(&engines, options.clients, length, move |engine, n| {
        let s = s.clone();
        async move {
            let c = cart("c", n);
            let one = Quantity::new(1).ok()?;
            Some(holds::add(&engine, s.orq, &c, s.contended, one).await.map(|_| c).map_err(|e| e.code().to_string()))
        }
    })
    .await;
    contended.print("contended", took);

    let carts = Arc::new(holds_run.won.clone());
    let s = shop.clone();
    let phone = PhoneE164::parse("+12025550100").map_err(|e| e.to_string())?;
    let name = CustomerName::parse("Bench").map_err(|e| e.to_string())?;
    let (checkouts, took) = phase(&engines, options.clients, length, move |engine, n| {
        let (s, carts, phone, name) = (s.clone(), carts.clone(), phone.clone(), name.clone());
        async move {
            let c = carts.get(n)?.clone();
            let form = CheckoutForm {
                cart: c.clone(),
                window: s.window,
                name,
                phone,
                email: None,
                instructions: Instructions::default(),
                discount: None,
            };
            Some(checkout(&engine, s.orq, form).await.map(|_| c).map_err(|e| e.code().to_string()))
        }
    })
    .await;
    checkouts.print("checkouts", took);

    let passed = check(&db, &shop, options, &contended, checkouts.won.len(), clock.now()).await;
    db.close().await;
    passed.map_err(|e| e.to_string())
}

async fn check(
    db: &Db,
    shop: &Shop,
    options: &Options,
    contended: &Phase,
    placed: usize,
    now: chrono::DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    println!("checks");
    let mut passed = true;
    let mut say = |ok: bool, what: String| {
        println!("  {} {what}", if ok { "PASS" } else { "FAIL" });
        passed &= ok;
    };
    let rows: Vec<(ShopProductId, i64, i64, i64, i64, i64)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT p.id, p.stock, p.held,
                CAST(COALESCE((SELECT SUM(h.quantity) FROM shop_holds h WHERE h.product_id = p.id AND h.counted), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(h.quantity) FROM shop_holds h WHERE h.product_id = p.id AND h.expires_at > $2), 0) AS BIGINT),
                CAST(COALESCE((SELECT SUM(i.quantity) FROM shop_order_items i WHERE i.product_id = p.id), 0) AS BIGINT)
         FROM shop_products p WHERE p.orq = $1 ORDER BY p.id")
        .bind(shop.orq).bind(now).fetch_all(pool).await)?;
    for (id, stock, counter, counted, held, sold) in rows {
        say(counter == counted, format!("product {id}: held counter {counter} = counted holds {counted}"));
        let initial = if id == shop.contended { options.stock } else { BIG_STOCK };
        say(
            stock >= 0 && stock + sold == initial,
            format!("product {id}: stock {stock} + sold {sold} = initial {initial}"),
        );
        say(held + sold <= initial, format!("product {id}: held {held} + sold {sold} <= {initial} (no oversell)"));
        if id == shop.contended {
            let expected = contended.won.len() as i64;
            say(held == expected, format!("contended: {held} units held = {expected} holds answered"));
            say(
                expected == options.stock || contended.refused == 0,
                format!("contended: sold out exactly ({expected} of {} won)", options.stock),
            );
        }
    }
    let (orders, items, booked): (i64, i64, i64) = on_pool!(db, pool => sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM shop_orders WHERE orq = $1),
                (SELECT COUNT(*) FROM shop_order_items WHERE orq = $1),
                (SELECT booked FROM shop_pickup_windows WHERE id = $2)")
        .bind(shop.orq).bind(shop.window).fetch_one(pool).await)?;
    say(orders == placed as i64, format!("{orders} orders stored = {placed} checkouts answered"));
    say(items == orders, format!("{items} order items for {orders} one-item orders"));
    say(booked == orders, format!("window booked {booked} = {orders} orders"));
    Ok(passed)
}
