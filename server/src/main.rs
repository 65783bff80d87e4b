use gatehouse::clock::{Clock, ShiftedClock, SystemClock};
use gatehouse::store::Db;
use gatehouse::tickets::lifecycle::TicketStatus;
use gatehouse::{demo, Engine};
use server::config::Config;
use server::demo_credentials;
use server::router;
use std::process::ExitCode;
use std::sync::Arc;

const USAGE: &str = "usage: gatehouse [serve [--demo] | migrate | seed-demo | token USERNAME]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("gatehouse: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_new(&config.log).unwrap_or_else(|_| "info".into()))
        .init();
    // A panic is a bug, but one request's bug: log it as one line (the router answers a 500),
    // not a backtrace per request that an attacker could use to flood the log.
    std::panic::set_hook(Box::new(|info| {
        let at = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        tracing::error!(at = %at, "panic: {what}");
    }));
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gatehouse: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = runtime.block_on(async {
        match args.as_slice() {
            [] | ["serve"] => serve(config, false).await,
            ["serve", "--demo"] => serve(config, true).await,
            ["migrate"] => open(&config).await.map(|_| println!("database is up to date")),
            ["seed-demo"] => {
                let engine = open(&config).await?;
                seed(&engine, &config).await
            }
            ["token", username] => {
                let engine = open(&config).await?;
                issue_token(&engine, username).await
            }
            _ => Err(USAGE.to_string()),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gatehouse: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn open(config: &Config) -> Result<Engine, String> {
    let db = Db::connect(&config.database_url).await.map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let clock: Arc<dyn Clock> = match config.test_clock_start {
        Some(start) => Arc::new(ShiftedClock::starting_at(start)),
        None => Arc::new(SystemClock),
    };
    let mut engine = Engine::new(db, clock);
    engine.change_cutoff = chrono::Duration::hours(config.change_cutoff_hours);
    Ok(engine)
}

/// Loads the demo. Staff passwords are generated once: printed then, and kept owner-only beside
/// the database (later starts only say where).
async fn seed(engine: &Engine, config: &Config) -> Result<(), String> {
    let report = demo::seed_demo(&engine.db, engine.clock.as_ref()).await.map_err(|e| e.to_string())?;
    if let Some((operator, admin)) = report.new_credentials {
        let text = demo_credentials::text(&operator, &admin);
        let path = demo_credentials::save(&config.data_dir, &text)?;
        println!("demo data loaded; staff accounts (role, username, password), shown this once:");
        for line in text.lines() {
            println!("    {line}");
        }
        println!("  (kept, readable by you only, in {})", path.display());
    }
    println!("demo slots created this run: {}", report.slots_created);
    // Codes to try the flows with, one "STATUS CODE" a line (read by the browser tests too).
    let mut lines = String::new();
    for status in TicketStatus::ALL {
        for code in demo::sample_codes(&engine.db, status, 25).await.map_err(|e| e.to_string())? {
            lines.push_str(&format!("{status} {code}\n"));
        }
    }
    let path = config.data_dir.join("demo-tickets.txt");
    std::fs::write(&path, lines).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(())
}

/// Prints a new API token for a staff account (for the REST API's operator endpoints).
async fn issue_token(engine: &Engine, username: &str) -> Result<(), String> {
    let user = gatehouse::staff::user_by_username(&engine.db, username)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no staff account is named '{username}'"))?;
    let token =
        gatehouse::staff::issue_token(&engine.db, user.id, "cli", engine.now()).await.map_err(|e| e.to_string())?;
    println!("{token}");
    Ok(())
}

async fn serve(config: Config, demo: bool) -> Result<(), String> {
    let engine = open(&config).await?;
    if demo {
        seed(&engine, &config).await?;
    }
    server::jobs::spawn_expiry(engine.clone());
    let options = router::leptos_options(&config.site_root, config.listen);
    let events = engine.events.clone();
    let app = router::router(engine, options, &config.http);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {} (GATEHOUSE_LISTEN): {e}", config.listen))?;
    let base = format!("http://{}", listener.local_addr().map_err(|e| e.to_string())?);
    println!("Gatehouse is serving at {base}/");
    println!("  customer portal  {base}/");
    let activated = std::fs::read_to_string(config.data_dir.join("demo-tickets.txt"))
        .ok()
        .and_then(|t| t.lines().find_map(|l| l.strip_prefix("ACTIVATED ").map(str::to_string)));
    if let Some(code) = activated {
        println!("  book a visit     {base}/reserve?ticket={code}");
        println!("  (more demo ticket codes in {})", config.data_dir.join("demo-tickets.txt").display());
    }
    let credentials = demo_credentials::path(&config.data_dir);
    if credentials.exists() {
        println!("  demo staff       passwords in {}", credentials.display());
    }
    server::serve::serve(listener, app, config.http, async move {
        let _ = tokio::signal::ctrl_c().await;
        // Open live-availability streams would otherwise hold the shutdown until they close.
        events.close();
    })
    .await;
    Ok(())
}
