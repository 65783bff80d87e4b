//! `gatehouse-bench`: load on the real server binary over real HTTP, then the database is checked.
//!
//! ```text
//! cargo build --release -p server -p bench
//! target/release/gatehouse-bench                       # SQLite, all scenarios, 1000 clients, 10 s each
//! target/release/gatehouse-bench --postgres postgres://postgres@127.0.0.1:5432/postgres --instances 2
//! ```
//! Run from the repository root (the server finds its assets under `target/site`). It is not part
//! of the test suite: it takes minutes and its numbers depend on the machine. See bench/README.md.
mod analytics;
mod args;
mod bulk;
mod checks;
mod database;
mod fixtures;
mod live;
mod load;
mod scenarios;
mod server;
mod shop;
mod stats;

use args::{Options, Scenario};
use checks::{Admissions, Bookings, DoubleAdmissions, Expected, Hot};
use database::BenchDatabase;
use fixtures::{Fixtures, Sizes};
use load::{Load, Pool};
use server::Server;
use stats::Row;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

fn main() -> ExitCode {
    let mut arguments = std::env::args().skip(1).peekable();
    if arguments.peek().map(String::as_str) == Some("analytics") {
        return analytics_main(arguments.skip(1));
    }
    if arguments.peek().map(String::as_str) == Some("shop") {
        return shop_main(arguments.skip(1));
    }
    let options = match args::parse(arguments) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gatehouse-bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(options)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("gatehouse-bench: a consistency check failed");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("gatehouse-bench: {e}");
            ExitCode::from(2)
        }
    }
}

fn shop_main(arguments: impl Iterator<Item = String>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gatehouse-bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(shop::run(arguments)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("gatehouse-bench shop: a consistency check failed");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("gatehouse-bench shop: {e}");
            ExitCode::from(2)
        }
    }
}

fn analytics_main(arguments: impl Iterator<Item = String>) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gatehouse-bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(analytics::run(arguments)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gatehouse-bench analytics: {e}");
            ExitCode::from(2)
        }
    }
}

async fn run(options: Options) -> Result<bool, String> {
    if !options.server.is_file() {
        return Err(format!(
            "no server binary at {} (build it with `cargo build --release -p server`, or pass --server)",
            options.server.display()
        ));
    }
    let database = BenchDatabase::create(options.postgres.as_deref()).await?;
    let outcome = run_on(&options, &database).await;
    if let Err(e) = database.remove().await {
        eprintln!("gatehouse-bench: could not drop the benchmark database: {e}");
    }
    outcome
}

async fn run_on(options: &Options, database: &BenchDatabase) -> Result<bool, String> {
    let wants = |s: Scenario| options.scenarios.contains(&s);
    let backend = if database.is_postgres() { "PostgreSQL" } else { "SQLite" };
    println!("preparing a {backend} database");
    let sizes = Sizes {
        activated: if wants(Scenario::Spread) || wants(Scenario::Hot) || wants(Scenario::Live) {
            options.activated
        } else {
            0
        },
        scan: if wants(Scenario::Scan) || wants(Scenario::DoubleScan) { options.tickets } else { 0 },
        run_length: chrono::Duration::seconds((options.seconds * 4 + 600) as i64),
    };
    let fixtures = fixtures::prepare(&database.url, &sizes).await?;

    let mut servers = Vec::new();
    for _ in 0..options.instances {
        servers.push(Server::start(&options.server, &database.url, database.dir.path()).await?);
    }
    let bases: Vec<String> = servers.iter().map(|s| s.base_url.clone()).collect();
    println!("servers: {} (RSS idle: {})", bases.join(" "), rss(&servers));

    let load = Load::new(bases, options.clients, Duration::from_secs(options.seconds))?;
    let (rows, expected) = run_scenarios(options, &load, &fixtures, &servers).await?;
    let rss_loaded = rss(&servers);
    drop(load);
    // Stopped before checking, so no request the clients gave up on is still being carried out.
    for server in servers {
        server.stop().await;
    }

    println!("\nchecks");
    let db = gatehouse::store::Db::connect(&database.url).await.map_err(|e| e.to_string())?;
    let passed = checks::run(&db, &expected).await;
    db.close().await;
    let passed = passed?;

    println!(
        "\nsummary: {backend}, {} instance(s), {} clients, {} s per scenario",
        options.instances, options.clients, options.seconds
    );
    stats::print_table(&rows);
    println!("server RSS after load: {rss_loaded}");
    println!("checks: {}", if passed { "all passed" } else { "FAILED" });
    Ok(passed)
}

async fn run_scenarios(
    options: &Options,
    load: &Load,
    fx: &Fixtures,
    servers: &[Server],
) -> Result<(Vec<Row>, Expected), String> {
    let mut rows = Vec::new();
    let mut expected = Expected { bookings: None, hot: None, admissions: None, double: None };
    let tickets = Arc::new(Pool::new(fx.activated.clone()));
    // `scan` and `double-scan` share the reserved tickets: each is scanned in one of them only.
    let reserved = Arc::new(Pool::new(fx.scan.clone()));
    for &scenario in &options.scenarios {
        let rate = options.rate_for(scenario);
        let pace = rate.map_or("unpaced".to_string(), |r| format!("{r}/s"));
        println!("\n{} ({pace})", scenario.name());
        let start = rows.len();
        match scenario {
            Scenario::Spread | Scenario::Hot => {
                let slots = if scenario == Scenario::Hot { vec![fx.hot_slot] } else { fx.spread_slots.clone() };
                let run = scenarios::book(load, tickets.clone(), Arc::new(slots), rate).await?;
                if run.pool_exhausted {
                    println!("  note: the activated tickets ran out (raise --activated)");
                }
                if scenario == Scenario::Hot {
                    match run.last_success {
                        Some(t) => println!("  last seat taken after {:.0} ms", t.as_secs_f64() * 1000.0),
                        None => println!("  no seat taken"),
                    }
                    expected.hot = Some(Hot {
                        slot_id: fx.hot_slot,
                        capacity: fx.hot_capacity,
                        attempts: run.tally.requests,
                        successes: run.tally.successes,
                        errors: run.tally.errors,
                    });
                }
                let bookings = expected.bookings.get_or_insert(Bookings {
                    order_id: fx.activated_order,
                    booked: Vec::new(),
                    errors: 0,
                });
                bookings.booked.extend(&run.booked);
                bookings.errors += run.tally.errors;
                note_errors(&run.tally);
                rows.extend(Row::split(scenario.name(), run.tally, run.elapsed));
            }
            Scenario::Scan => {
                let run = scenarios::scan(load, reserved.clone(), &fx.token, rate).await?;
                rows.extend(scanned(&mut expected, fx, "scan", run));
            }
            Scenario::DoubleScan => {
                let run = scenarios::double_scan(load, reserved.clone(), &fx.token, rate).await?;
                println!(
                    "  {} tickets scanned twice at once: admitted once {}, twice {}, never {}",
                    run.tickets, run.admitted_once, run.admitted_twice, run.admitted_never
                );
                let double = expected.double.get_or_insert(DoubleAdmissions { tickets: 0, twice: 0 });
                double.tickets += run.tickets;
                double.twice += run.admitted_twice;
                rows.extend(scanned(&mut expected, fx, "double-scan", run.scanned));
            }
            Scenario::Month => {
                let (tally, elapsed) = scenarios::month(load, &fx.month, fx.orq, rate).await?;
                note_errors(&tally);
                rows.push(Row::new("month", tally, elapsed));
            }
            Scenario::Live => {
                let run = live::live(load, tickets.clone(), (fx.orq, fx.live.0, &fx.live.1), rate).await?;
                let bookings = expected.bookings.get_or_insert(Bookings {
                    order_id: fx.activated_order,
                    booked: Vec::new(),
                    errors: 0,
                });
                bookings.booked.extend(&run.booked);
                bookings.errors += run.book.errors;
                note_errors(&run.book);
                note_errors(&run.stream);
                rows.push(Row::new("live.book", run.book, run.elapsed));
                rows.push(Row::new("live.stream", run.stream, run.elapsed));
            }
        }
        stats::print_table(&rows[start..]);
        println!("  server RSS: {}", rss(servers));
    }
    Ok((rows, expected))
}

/// The rows of a scan scenario; its admissions are added to those the checks expect.
fn scanned(expected: &mut Expected, fx: &Fixtures, name: &str, run: scenarios::Scanned) -> Vec<Row> {
    if run.pool_exhausted {
        println!("  note: the reserved tickets ran out (raise --tickets)");
    }
    let admissions = expected.admissions.get_or_insert(Admissions { order_id: fx.scan_order, verified: 0, errors: 0 });
    admissions.verified += run.verify.successes;
    admissions.errors += run.verify.errors;
    note_errors(&run.validate);
    note_errors(&run.verify);
    let mut rows = Row::split(&format!("{name}.validate"), run.validate, run.elapsed);
    rows.extend(Row::split(&format!("{name}.verify"), run.verify, run.elapsed));
    rows.extend(Row::split(&format!("{name}.pair"), run.pair, run.elapsed));
    rows
}

fn note_errors(tally: &stats::Tally) {
    if let Some(e) = &tally.first_error {
        println!("  first error: {e}");
    }
}

fn rss(servers: &[Server]) -> String {
    servers
        .iter()
        .map(|s| s.rss_kib().map_or("?".to_string(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0)))
        .collect::<Vec<_>>()
        .join(" + ")
}
