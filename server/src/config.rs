//! Configuration from environment variables, each with a default that works on a laptop.
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Config {
    pub database_url: String,
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub site_root: PathBuf,
    pub log: String,
    /// 32 bytes for signing sessions and QR payloads.
    pub secret_key: Vec<u8>,
    /// Until how many hours before a visit customers may change or cancel it.
    pub change_cutoff_hours: i64,
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

fn var(name: &'static str) -> Option<String> {
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
        Ok(Config {
            change_cutoff_hours,
            database_url,
            listen,
            site_root: PathBuf::from(var("GATEHOUSE_SITE_ROOT").unwrap_or_else(|| "target/site".into())),
            log: var("GATEHOUSE_LOG").unwrap_or_else(|| "info".into()),
            data_dir,
            secret_key,
        })
    }
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
            let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
            std::fs::create_dir_all(data_dir).map_err(|e| problem("create", e))?;
            write_private(&path, &hex).map_err(|e| problem("write", e))?;
            Ok(key.to_vec())
        }
        Err(e) => Err(problem("read", e)),
    }
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
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
}
