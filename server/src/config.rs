//! Configuration from environment variables, each with a default that works on a laptop.
use crate::tls::TlsSetting;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub site_root: PathBuf,
    pub log: String,
    /// 32 bytes for signing sessions. (QR codes are signed with each organization's Ed25519 keys,
    /// kept in the database: `gatehouse::tickets::signed`.)
    pub secret_key: Vec<u8>,
    /// Until how many hours before a visit customers may change or cancel it.
    pub change_cutoff_hours: i64,
    pub arrival: gatehouse::slots::arrival::Arrival,
    /// Test builds only: the instant the server's clock starts at instead of now.
    pub test_clock_start: Option<chrono::DateTime<chrono::Utc>>,
    pub http: HttpLimits,
    /// `GATEHOUSE_PUBLIC_URL`: the address browsers use when a proxy sits in front.
    pub public_url: Option<String>,
    /// `GATEHOUSE_MESSAGE_TEMPLATES`: a folder whose files replace the built-in message texts
    /// of the same names (`src/notify/templates/`).
    pub message_templates: Option<PathBuf>,
    pub tls: TlsSetting,
    pub metrics: MetricsAccess,
}

/// Who may read `/metrics`: with a token, requests carrying it as a Bearer token; with a listen
/// address, whoever reaches that address (and, with both, carries the token). Neither: nobody.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetricsAccess {
    pub token: Option<String>,
    pub listen: Option<SocketAddr>,
}

/// Shorter tokens are too easily guessed.
const MIN_METRICS_TOKEN: usize = 16;

impl MetricsAccess {
    fn from_env() -> Result<MetricsAccess, ConfigError> {
        let token = var("GATEHOUSE_METRICS_TOKEN").map(|t| t.trim().to_string());
        if token.as_ref().is_some_and(|t| t.len() < MIN_METRICS_TOKEN || t.contains(char::is_whitespace)) {
            return Err(ConfigError {
                var: "GATEHOUSE_METRICS_TOKEN",
                problem: format!(
                    "must be at least {MIN_METRICS_TOKEN} characters without spaces; generate one with `openssl rand -hex 24`"
                ),
            });
        }
        let listen = var("GATEHOUSE_METRICS_LISTEN")
            .map(|text| {
                text.trim().parse().map_err(|_| ConfigError {
                    var: "GATEHOUSE_METRICS_LISTEN",
                    problem: format!("'{text}' is not an address like 127.0.0.1:9100"),
                })
            })
            .transpose()?;
        Ok(MetricsAccess { token, listen })
    }
}

/// What one client may ask of the server, and how long a connection may hold it up.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpLimits {
    /// Per client address and minute, shared by booking, changing, cancelling (REST and portal)
    /// and the anonymous ticket check; 0 turns the limit off.
    pub reserve_per_minute: u32,
    /// Per operator token and minute, for the operator's validate and verify; 0 turns it off.
    pub validate_per_minute: u32,
    /// Per client address and minute, for placing and changing shop holds (pages and REST), so
    /// that one address cannot hold the shop's stock away from everyone; 0 turns it off.
    pub hold_per_minute: u32,
    /// Peers whose `X-Forwarded-For` is believed (reverse proxies, load balancers).
    pub trusted_proxies: Vec<IpNet>,
    /// For a request's headers, counted from when the server starts waiting for them: a
    /// kept-alive connection without a next request is closed after this too.
    pub header_timeout: Duration,
    /// A connection on which no byte moves either way while no request is being handled.
    pub idle_timeout: Duration,
    /// From a request's headers to its response's headers (a stream may then run on).
    pub request_timeout: Duration,
    pub max_connections: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            reserve_per_minute: 10,
            validate_per_minute: 100,
            hold_per_minute: 60,
            trusted_proxies: Vec::new(),
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(30),
            max_connections: 4096,
        }
    }
}

impl HttpLimits {
    fn from_env() -> Result<HttpLimits, ConfigError> {
        let default = HttpLimits::default();
        let secs = |name, default: Duration, range| {
            whole_number(name, default.as_secs(), range, "seconds").map(Duration::from_secs)
        };
        Ok(HttpLimits {
            reserve_per_minute: whole_number(
                "GATEHOUSE_RESERVE_RATE",
                default.reserve_per_minute,
                0..=1_000_000,
                "requests per minute (0: no limit)",
            )?,
            validate_per_minute: whole_number(
                "GATEHOUSE_VALIDATE_RATE",
                default.validate_per_minute,
                0..=1_000_000,
                "requests per minute (0: no limit)",
            )?,
            hold_per_minute: whole_number(
                "GATEHOUSE_HOLD_RATE",
                default.hold_per_minute,
                0..=1_000_000,
                "requests per minute (0: no limit)",
            )?,
            trusted_proxies: match var("GATEHOUSE_TRUSTED_PROXIES") {
                Some(text) => trusted_proxies(&text)
                    .map_err(|problem| ConfigError { var: "GATEHOUSE_TRUSTED_PROXIES", problem })?,
                None => default.trusted_proxies,
            },
            header_timeout: secs("GATEHOUSE_HEADER_TIMEOUT_SECS", default.header_timeout, 1..=300)?,
            // Live availability streams are quiet for up to 15 s between keep-alive comments.
            idle_timeout: secs("GATEHOUSE_IDLE_TIMEOUT_SECS", default.idle_timeout, 20..=3600)?,
            request_timeout: secs("GATEHOUSE_REQUEST_TIMEOUT_SECS", default.request_timeout, 1..=3600)?,
            max_connections: whole_number(
                "GATEHOUSE_MAX_CONNECTIONS",
                default.max_connections,
                1..=1_000_000,
                "connections",
            )?,
        })
    }
}

/// `10.0.0.1, 10.1.0.0/16, fd00::/8`: addresses and CIDR networks, comma-separated.
fn trusted_proxies(text: &str) -> Result<Vec<IpNet>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<IpNet>()
                .map(|net| net.trunc())
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("'{item}' is not an IP address or a network like 10.0.0.0/8"))
        })
        .collect()
}

pub(crate) fn whole_number<T>(
    name: &'static str,
    default: T,
    range: RangeInclusive<T>,
    unit: &str,
) -> Result<T, ConfigError>
where
    T: FromStr + PartialOrd + std::fmt::Display,
{
    parse_whole(name, var(name), default, range, unit)
}

fn parse_whole<T>(
    name: &'static str,
    text: Option<String>,
    default: T,
    range: RangeInclusive<T>,
    unit: &str,
) -> Result<T, ConfigError>
where
    T: FromStr + PartialOrd + std::fmt::Display,
{
    let Some(text) = text else { return Ok(default) };
    text.trim().parse().ok().filter(|n| range.contains(n)).ok_or_else(|| ConfigError {
        var: name,
        problem: format!("'{text}' is not a whole number of {unit} from {} to {}", range.start(), range.end()),
    })
}

/// A year: longer would be a typo.
const MAX_CUTOFF_HOURS: i64 = 24 * 366;

/// A variable that is set but unusable: start-up stops with one line naming it.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {problem}")]
pub struct ConfigError {
    pub var: &'static str,
    pub problem: String,
}

pub(crate) fn var(name: &'static str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let data_dir = PathBuf::from(var("GATEHOUSE_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("GATEHOUSE_DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite:{}", data_dir.join("gatehouse.db").display()));
        if !["sqlite:", "postgres:", "postgresql:"].iter().any(|s| database_url.starts_with(s)) {
            return Err(ConfigError {
                var: "GATEHOUSE_DATABASE_URL",
                problem: "must start with sqlite: or postgres:// (e.g. sqlite:data/gatehouse.db)".into(),
            });
        }
        let listen_text = var("GATEHOUSE_LISTEN").unwrap_or_else(|| "127.0.0.1:3000".into());
        let listen = listen_text.parse().map_err(|_| ConfigError {
            var: "GATEHOUSE_LISTEN",
            problem: format!("'{listen_text}' is not an address like 127.0.0.1:3000"),
        })?;
        let secret_key = match var("GATEHOUSE_SECRET_KEY") {
            Some(hex) => parse_key(&hex).ok_or(ConfigError {
                var: "GATEHOUSE_SECRET_KEY",
                problem: "must be 64 hexadecimal characters (32 bytes); generate one with `openssl rand -hex 32`"
                    .into(),
            })?,
            None => persisted_key(&data_dir)?,
        };
        let cutoff_text = var("GATEHOUSE_CHANGE_CUTOFF_HOURS").unwrap_or_else(|| "24".into());
        let change_cutoff_hours =
            cutoff_text.trim().parse().ok().filter(|h| (0..=MAX_CUTOFF_HOURS).contains(h)).ok_or_else(|| {
                ConfigError {
                    var: "GATEHOUSE_CHANGE_CUTOFF_HOURS",
                    problem: format!("'{cutoff_text}' is not a whole number of hours from 0 to {MAX_CUTOFF_HOURS}"),
                }
            })?;
        let arrival_text = var("GATEHOUSE_ARRIVAL").unwrap_or_else(|| "during".into());
        let arrival = arrival_text.parse().map_err(|()| ConfigError {
            var: "GATEHOUSE_ARRIVAL",
            problem: format!("'{arrival_text}' is neither 'during' (enter any time in the booked time) nor 'start' (be there at its start)"),
        })?;
        let test_clock_start = var("GATEHOUSE_TEST_CLOCK_START")
            .map(|text| test_clock_start(&text, TestSettings::of_this_build()))
            .transpose()?;
        let tls = TlsSetting::parse(
            var("GATEHOUSE_TLS").as_deref(),
            var("GATEHOUSE_TLS_CERT").as_deref(),
            var("GATEHOUSE_TLS_KEY").as_deref(),
        )?;
        let public_url = var("GATEHOUSE_PUBLIC_URL");
        if tls != TlsSetting::Off && public_url.as_deref().is_some_and(|url| !url.trim().starts_with("https://")) {
            return Err(ConfigError {
                var: "GATEHOUSE_PUBLIC_URL",
                problem: "must be an https:// address when Gatehouse serves HTTPS itself (GATEHOUSE_TLS…)".into(),
            });
        }
        Ok(Config {
            public_url,
            message_templates: var("GATEHOUSE_MESSAGE_TEMPLATES").map(PathBuf::from),
            tls,
            change_cutoff_hours,
            arrival,
            test_clock_start,
            http: HttpLimits::from_env()?,
            metrics: MetricsAccess::from_env()?,
            database_url,
            listen,
            site_root: PathBuf::from(var("GATEHOUSE_SITE_ROOT").unwrap_or_else(|| "target/site".into())),
            log: var("GATEHOUSE_LOG").unwrap_or_else(|| "info".into()),
            data_dir,
            secret_key,
        })
    }
}

/// Whether this binary accepts test-only settings: a debug build does, a release build never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TestSettings {
    Allowed,
    Refused,
}

impl TestSettings {
    fn of_this_build() -> Self {
        if cfg!(debug_assertions) {
            Self::Allowed
        } else {
            Self::Refused
        }
    }
}

/// Browser tests run the real server on chosen days (a month's last evening, the DST changes).
/// A release binary refuses the setting: a venue's clock is never anything but the real one.
fn test_clock_start(text: &str, settings: TestSettings) -> Result<chrono::DateTime<chrono::Utc>, ConfigError> {
    const VAR: &str = "GATEHOUSE_TEST_CLOCK_START";
    if settings == TestSettings::Refused {
        return Err(ConfigError { var: VAR, problem: "is for test builds only; unset it in production".into() });
    }
    chrono::DateTime::parse_from_rfc3339(text.trim()).map(|t| t.to_utc()).map_err(|_| ConfigError {
        var: VAR,
        problem: format!("'{text}' is not an RFC 3339 instant like 2026-11-30T23:30:00-05:00"),
    })
}

fn parse_key(hex: &str) -> Option<Vec<u8>> {
    let hex = hex.trim();
    if hex.len() != 64 {
        return None;
    }
    (0..32).map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()).collect()
}

/// The key generated on first run and kept beside the database, readable by its owner only.
fn persisted_key(data_dir: &Path) -> Result<Vec<u8>, ConfigError> {
    let path = data_dir.join("secret.key");
    let problem = |what: &str, e: std::io::Error| ConfigError {
        var: "GATEHOUSE_DATA_DIR",
        problem: format!("cannot {what} {}: {e}", path.display()),
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => parse_key(&text).ok_or(ConfigError {
            var: "GATEHOUSE_DATA_DIR",
            problem: format!("{} is not 64 hexadecimal characters; delete it to generate a new key", path.display()),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key: [u8; 32] = rand::random();
            let hex = gatehouse::secret::hex(&key);
            std::fs::create_dir_all(data_dir).map_err(|e| problem("create", e))?;
            write_private(&path, &hex).map_err(|e| problem("write", e))?;
            Ok(key.to_vec())
        }
        Err(e) => Err(problem("read", e)),
    }
}

pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_must_be_exactly_32_hex_bytes() {
        assert_eq!(parse_key(&"ab".repeat(32)).map(|k| k.len()), Some(32));
        assert_eq!(parse_key(&"ab".repeat(31)), None);
        assert_eq!(parse_key(&"zz".repeat(32)), None);
    }

    #[test]
    fn a_rate_of_zero_is_accepted_and_a_short_idle_timeout_is_explained() {
        let rate = |text: &str| parse_whole("GATEHOUSE_RESERVE_RATE", Some(text.into()), 10, 0..=1_000_000, "requests");
        assert_eq!(rate("0").ok(), Some(0));
        assert_eq!(rate(" 25 ").ok(), Some(25));
        assert!(rate("-1").is_err() && rate("ten").is_err());
        let idle = parse_whole("GATEHOUSE_IDLE_TIMEOUT_SECS", Some("5".into()), 60, 20..=3600, "seconds");
        let error = idle.expect_err("below the live streams' keep-alive").to_string();
        assert_eq!(error, "GATEHOUSE_IDLE_TIMEOUT_SECS: '5' is not a whole number of seconds from 20 to 3600");
        assert_eq!(parse_whole("GATEHOUSE_MAX_CONNECTIONS", None, 4096, 1..=1_000_000, "connections").ok(), Some(4096));
    }

    #[test]
    fn trusted_proxies_are_addresses_or_networks_separated_by_commas() {
        let nets = trusted_proxies(" 10.0.0.1, 192.168.4.7/16,fd00::/8 ,").expect("valid list");
        let shown: Vec<String> = nets.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["10.0.0.1/32", "192.168.0.0/16", "fd00::/8"]);
        assert_eq!(trusted_proxies(""), Ok(Vec::new()));
    }

    #[test]
    fn a_bad_trusted_proxy_is_named_in_the_error() {
        let error = trusted_proxies("10.0.0.1, 10.0.0.0/33").expect_err("prefix too long");
        assert!(error.contains("'10.0.0.0/33'"), "{error}");
        assert!(trusted_proxies("proxy.internal").is_err());
    }

    #[test]
    fn a_build_that_allows_test_settings_takes_the_test_clock_as_an_rfc3339_instant() {
        let start = test_clock_start("2026-11-30T23:30:00-05:00", TestSettings::Allowed);
        assert_eq!(start.map(|t| t.to_rfc3339()).ok(), Some("2026-12-01T04:30:00+00:00".into()));
        assert!(test_clock_start("yesterday", TestSettings::Allowed).is_err());
    }

    #[test]
    fn a_build_that_refuses_test_settings_refuses_even_a_valid_test_clock() {
        let error = test_clock_start("2026-11-30T23:30:00-05:00", TestSettings::Refused).expect_err("refused");
        assert_eq!(error.var, "GATEHOUSE_TEST_CLOCK_START");
        assert!(error.problem.contains("test builds only"), "{}", error.problem);
    }
}
