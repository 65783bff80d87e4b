//! Command-line options, parsed by hand: a dozen flags do not justify an argument-parser crate.
use std::path::PathBuf;

pub const USAGE: &str = "usage: gatehouse-bench [--server PATH] [--scenario spread|hot|scan|double-scan|month|live|all]
                       [--clients N] [--seconds S] [--rate N] [--tickets N] [--activated N]
                       [--postgres ADMIN_URL] [--instances 1|2]

  --server PATH      server binary (default $CARGO_TARGET_DIR/release/gatehouse, else target/release/gatehouse)
  --scenario NAME    one scenario or all of them (default all)
  --clients N        concurrent client tasks (default 1000)
  --seconds S        length of each scenario (default 10)
  --rate N           target requests (scan: validate+verify pairs; double-scan: tickets, each
                     scanned twice) per second across all clients; 0 = as fast as possible
                     (default: scan 500, double-scan 250, month 1000, spread/hot unpaced)
  --tickets N        tickets reserved for today, scanned by `scan` and `double-scan` (default 1000000)
  --activated N      activated tickets that `spread` and `hot` book (default 300000)
  --postgres URL     run on PostgreSQL: a fresh database is created through this admin URL and dropped
  --instances 1|2    server processes on the same database (2 needs --postgres)";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    Spread,
    Hot,
    Scan,
    DoubleScan,
    Month,
    Live,
}

impl Scenario {
    pub const ALL: [Scenario; 6] =
        [Scenario::Spread, Scenario::Hot, Scenario::Scan, Scenario::DoubleScan, Scenario::Month, Scenario::Live];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Spread => "spread",
            Scenario::Hot => "hot",
            Scenario::Scan => "scan",
            Scenario::DoubleScan => "double-scan",
            Scenario::Month => "month",
            Scenario::Live => "live",
        }
    }

    /// The pace a scenario runs at unless `--rate` says otherwise: the door and the calendar are
    /// measured at a realistic load; bookings are pushed as hard as the clients can.
    pub fn default_rate(self) -> Option<u32> {
        match self {
            Scenario::Spread | Scenario::Hot => None,
            Scenario::Scan => Some(500),
            // Each ticket twice: the same 500 pairs/s at the doors as `scan`.
            Scenario::DoubleScan => Some(250),
            Scenario::Month => Some(1000),
            // A venue's bookings as a live page sees them: a few a second, one at a time.
            Scenario::Live => Some(4),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    pub server: PathBuf,
    pub scenarios: Vec<Scenario>,
    pub clients: usize,
    pub seconds: u64,
    /// `Some(0)` means explicitly unpaced.
    pub rate: Option<u32>,
    pub tickets: usize,
    pub activated: usize,
    pub postgres: Option<String>,
    pub instances: usize,
}

impl Options {
    pub fn rate_for(&self, scenario: Scenario) -> Option<u32> {
        self.rate.or(scenario.default_rate()).filter(|&r| r > 0)
    }
}

fn default_server() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from("target"), PathBuf::from);
    target.join("release").join("gatehouse")
}

fn number<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| format!("{flag} needs a number, got '{value}'"))
}

pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        server: default_server(),
        scenarios: Scenario::ALL.to_vec(),
        clients: 1000,
        seconds: 10,
        rate: None,
        tickets: 1_000_000,
        activated: 300_000,
        postgres: None,
        instances: 1,
    };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--server" => options.server = PathBuf::from(value),
            "--scenario" => {
                options.scenarios = match value.as_str() {
                    "all" => Scenario::ALL.to_vec(),
                    name => vec![Scenario::ALL
                        .into_iter()
                        .find(|s| s.name() == name)
                        .ok_or_else(|| format!("unknown scenario '{name}'\n{USAGE}"))?],
                }
            }
            "--clients" => options.clients = number(&flag, &value)?,
            "--seconds" => options.seconds = number(&flag, &value)?,
            "--rate" => options.rate = Some(number(&flag, &value)?),
            "--tickets" => options.tickets = number(&flag, &value)?,
            "--activated" => options.activated = number(&flag, &value)?,
            "--postgres" => options.postgres = Some(value),
            "--instances" => options.instances = number(&flag, &value)?,
            _ => return Err(format!("unknown option '{flag}'\n{USAGE}")),
        }
    }
    if options.clients == 0 || options.seconds == 0 {
        return Err("--clients and --seconds must be at least 1".into());
    }
    if !(1..=2).contains(&options.instances) {
        return Err("--instances must be 1 or 2".into());
    }
    // Two processes on one SQLite file would measure lock contention between them, not Gatehouse.
    if options.instances == 2 && options.postgres.is_none() {
        return Err("--instances 2 needs --postgres (SQLite is one process's database)".into());
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Options, String> {
        parse(s.split_whitespace().map(String::from))
    }

    #[test]
    fn no_flags_gives_the_documented_defaults() {
        let o = parse_str("").unwrap();
        assert_eq!((o.clients, o.seconds, o.tickets), (1000, 10, 1_000_000));
        assert_eq!(o.scenarios.len(), 6);
        assert_eq!(o.rate_for(Scenario::Scan), Some(500));
        assert_eq!(o.rate_for(Scenario::Spread), None);
    }

    #[test]
    fn rate_zero_unpaces_every_scenario() {
        let o = parse_str("--rate 0 --scenario month").unwrap();
        assert_eq!(o.rate_for(Scenario::Month), None);
        assert_eq!(o.scenarios, vec![Scenario::Month]);
    }

    #[test]
    fn two_instances_without_postgres_is_refused() {
        assert!(parse_str("--instances 2").is_err());
    }
}
