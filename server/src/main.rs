use gatehouse::clock::{Clock, ShiftedClock, SystemClock};
use gatehouse::ids::SigningKeyId;
use gatehouse::notify::templates::Templates;
use gatehouse::notify::values::Links;
use gatehouse::store::Db;
use gatehouse::tickets::lifecycle::TicketStatus;
use gatehouse::tickets::signed;
use gatehouse::{demo, Engine};
use server::config::Config;
use server::demo_credentials;
use server::notify::Postman;
use server::router;
use server::security::Site;
use server::tls::Tls;
use std::process::ExitCode;
use std::sync::Arc;

const USAGE: &str = "usage: gatehouse [serve [--demo] | migrate | seed-demo | token USERNAME |
                       keys list ORG | keys rotate ORG | keys retire ORG KEY_ID | staff-networks ORG [NETWORKS]]
                       (ORG: the organization's slug)";

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
    // Rendering a page polls its view's nested futures on a worker's stack; unoptimised (the
    // debug build the browser tests run), the booking steps' page needs more than the default 2 MiB.
    let runtime = match tokio::runtime::Builder::new_multi_thread().thread_stack_size(8 << 20).enable_all().build() {
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
            ["staff-networks", organization, networks @ ..] => {
                let engine = open(&config).await?;
                staff_networks(&engine, organization, networks).await
            }
            ["keys", action @ ("list" | "rotate"), org] => {
                let engine = open(&config).await?;
                signing_keys(&engine, org, action, None).await
            }
            ["keys", "retire", org, key_id] => {
                let engine = open(&config).await?;
                let key_id = key_id.parse().map_err(|_| format!("'{key_id}' is not a key id"))?;
                signing_keys(&engine, org, "retire", Some(key_id)).await
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
    let db = Db::connect_keeping(&config.database_url, gatehouse::store::KEPT_CONNECTIONS)
        .await
        .map_err(|e| e.to_string())?;
    db.migrate().await.map_err(|e| e.to_string())?;
    let clock: Arc<dyn Clock> = match config.test_clock_start {
        Some(start) => Arc::new(ShiftedClock::starting_at(start)),
        None => Arc::new(SystemClock),
    };
    let mut engine = Engine::new(db, clock);
    engine.change_cutoff = chrono::Duration::hours(config.change_cutoff_hours);
    engine.arrival = config.arrival;
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

/// Shows, or with NETWORKS sets, where an organization's staff may sign in and work from
/// (`""` lets them work from anywhere again).
async fn staff_networks(engine: &Engine, slug: &str, networks: &[&str]) -> Result<(), String> {
    use gatehouse::staff::networks::{self, StaffNetworks};
    let organization = gatehouse::org::organization_by_slug(&engine.db, slug)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no organization is named '{slug}'"))?;
    if !networks.is_empty() {
        let list = StaffNetworks::parse(&networks.join(",")).map_err(|e| e.to_string())?;
        networks::set_for(&engine.db, organization.id, None, &list, engine.now()).await.map_err(|e| e.to_string())?;
    }
    let list =
        networks::of(&engine.db, organization.id).await.map_err(|e| e.to_string())?.unwrap_or_default().to_list();
    println!("{}", if list.is_empty() { "any network".to_string() } else { list });
    Ok(())
}

/// Lists, rotates or retires an organization's ticket-signing keys; prints public keys only.
async fn signing_keys(engine: &Engine, slug: &str, action: &str, key_id: Option<SigningKeyId>) -> Result<(), String> {
    let orq = gatehouse::org::organization_by_slug(&engine.db, slug)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no organization has the slug '{slug}'"))?
        .id;
    let now = engine.now();
    match (action, key_id) {
        ("rotate", _) => {
            let key = signed::rotate(&engine.db, orq, None, now).await.map_err(|e| e.to_string())?;
            println!("key {} signs new tickets from now on; earlier keys verify until retired", key.key_id);
        }
        ("retire", Some(id)) => {
            signed::retire(&engine.db, orq, None, id, now).await.map_err(|e| e.to_string())?;
            println!("key {id} is retired: QR codes it signed are refused from now on");
        }
        _ => {}
    }
    signed::keys::active_key(&engine.db, orq, now).await.map_err(|e| e.to_string())?;
    println!("keys that verify {slug}'s tickets (id, created, public key; the last one signs):");
    for key in signed::public_keys(&engine.db, orq).await.map_err(|e| e.to_string())? {
        println!("    {}  {}  {}", key.key_id, key.created_at.to_rfc3339(), key.public_key_base32());
    }
    Ok(())
}

async fn serve(config: Config, demo: bool) -> Result<(), String> {
    let mut engine = open(&config).await?;
    if demo {
        seed(&engine, &config).await?;
    }
    server::jobs::spawn_expiry(engine.clone());
    server::sessions::spawn_sweep(engine.clone());
    server::jobs::spawn_live(engine.clone());
    let templates = match &config.message_templates {
        Some(dir) => Templates::with_folder(dir).map_err(|e| format!("GATEHOUSE_MESSAGE_TEMPLATES: {e}"))?,
        None => Templates::built_in(),
    };
    let (mail, texts) = server::notify::worker::routes_from_env().map_err(|e| e.to_string())?;
    engine.messages =
        gatehouse::notify::Routes { email_leaves: mail.leaves_the_machine(), sms_leaves: texts.leaves_the_machine() };
    let options = router::leptos_options(&config.site_root, config.listen);
    let events = engine.events.clone();
    let tls = Tls::load(&config.tls, &config.data_dir, config.listen).map_err(|e| e.to_string())?;
    let site = Site::new(config.public_url.as_deref(), tls.is_some());
    let postman_engine = engine.clone();
    let app = router::router(engine, options, &config.http, site, server::sfn_errors::Seal::new(&config.secret_key));
    let app = server::prometheus::on_main_listener(app, &config.metrics);
    let metrics_apart = server::prometheus::serve_apart(&config.metrics, &config.http).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {} (GATEHOUSE_LISTEN): {e}", config.listen))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let base = format!("{scheme}://{local}");
    let links = Links { base_url: config.public_url.clone().unwrap_or_else(|| base.clone()) };
    let postman = Postman::new(templates, links, mail, texts);
    println!("  messages         e-mail {}, texts {}", postman.mail.name(), postman.texts.name());
    server::notify::worker::spawn(postman_engine, Arc::new(postman));
    println!("Gatehouse is serving at {base}/");
    if let Some(tls) = &tls {
        print_tls(tls, local);
    }
    println!("  customer portal  {base}/");
    match (metrics_apart, &config.metrics.token) {
        (Some(addr), _) => println!("  metrics          http://{addr}/metrics"),
        (None, Some(_)) => println!("  metrics          {base}/metrics (Bearer token)"),
        (None, None) => {}
    }
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
    server::serve::serve_with(listener, app, config.http, tls.map(|tls| tls.acceptor), async move {
        let _ = tokio::signal::ctrl_c().await;
        // Open live-availability streams would otherwise hold the shutdown until they close.
        events.close();
    })
    .await;
    Ok(())
}

/// How to reach the server from a phone, and the certificate to expect: a self-signed one makes
/// the browser warn once, and the fingerprint is what to compare before accepting it.
fn print_tls(tls: &Tls, local: std::net::SocketAddr) {
    println!("  TLS certificate  SHA-256 {}", tls.fingerprint);
    if tls.names.is_empty() {
        return;
    }
    let port = local.port();
    let urls: Vec<String> = tls
        .names
        .iter()
        .filter(|name| name.parse::<std::net::IpAddr>().is_ok_and(|ip| !ip.is_loopback()))
        .map(|ip| if ip.contains(':') { format!("https://[{ip}]:{port}/") } else { format!("https://{ip}:{port}/") })
        .collect();
    println!("  (self-signed for {}; the browser warns once)", tls.names.join(", "));
    for url in urls {
        println!("  on this network  {url}");
    }
}
