//! HTTPS served by Gatehouse itself. Browsers give the camera only to secure pages, so the door's
//! scanner needs https even on a venue's own network: with a certificate and key from files, or
//! with a self-signed pair made here for trying it on a phone (the browser warns once).
use crate::config::ConfigError;
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::TlsAcceptor;

/// How connections are served, from `GATEHOUSE_TLS`, `GATEHOUSE_TLS_CERT` and `GATEHOUSE_TLS_KEY`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum TlsSetting {
    /// Plain HTTP (behind a proxy that terminates TLS, or on localhost).
    #[default]
    Off,
    /// A certificate chain and its private key, PEM files.
    Files { cert: PathBuf, key: PathBuf },
    /// A certificate made here for this machine's names and addresses, kept in the data folder.
    SelfSigned,
}

impl TlsSetting {
    /// `tls` is `GATEHOUSE_TLS`, `cert` and `key` the two paths, each as set (or not).
    pub fn parse(tls: Option<&str>, cert: Option<&str>, key: Option<&str>) -> Result<TlsSetting, ConfigError> {
        let problem = |var, problem: &str| Err(ConfigError { var, problem: problem.into() });
        match (tls.map(str::trim), cert, key) {
            (Some("self-signed"), None, None) => Ok(TlsSetting::SelfSigned),
            (Some("self-signed"), _, _) => {
                problem("GATEHOUSE_TLS", "is self-signed, so GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY must be unset")
            }
            (None | Some("files"), Some(cert), Some(key)) => {
                Ok(TlsSetting::Files { cert: PathBuf::from(cert.trim()), key: PathBuf::from(key.trim()) })
            }
            (None | Some("files"), Some(_), None) => {
                problem("GATEHOUSE_TLS_KEY", "must be set with GATEHOUSE_TLS_CERT (the certificate's private key, PEM)")
            }
            (None | Some("files"), None, Some(_)) => {
                problem("GATEHOUSE_TLS_CERT", "must be set with GATEHOUSE_TLS_KEY (the certificate chain, PEM)")
            }
            (Some("files"), None, None) => {
                problem("GATEHOUSE_TLS", "is files: set GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY to PEM files")
            }
            (None | Some("off"), None, None) => Ok(TlsSetting::Off),
            (Some("off"), _, _) => {
                problem("GATEHOUSE_TLS", "is off, so GATEHOUSE_TLS_CERT and GATEHOUSE_TLS_KEY must be unset")
            }
            (Some(other), _, _) => Err(ConfigError {
                var: "GATEHOUSE_TLS",
                problem: format!("'{other}' is not off, files or self-signed"),
            }),
        }
    }
}

/// What serving over TLS needs, ready at start-up.
#[derive(Clone)]
pub struct Tls {
    pub acceptor: TlsAcceptor,
    /// SHA-256 of the (first) certificate, as browsers show it: `AB:12:…`.
    pub fingerprint: String,
    /// The names and addresses a self-signed certificate was made for.
    pub names: Vec<String>,
}

impl Tls {
    /// From the setting: files read, or a self-signed pair loaded from `data_dir` (made when
    /// missing or when this machine's names changed). `None` when TLS is off.
    pub fn load(setting: &TlsSetting, data_dir: &Path, listen: SocketAddr) -> Result<Option<Tls>, ConfigError> {
        match setting {
            TlsSetting::Off => Ok(None),
            TlsSetting::Files { cert, key } => {
                let certs = read_certs(cert).map_err(|problem| ConfigError { var: "GATEHOUSE_TLS_CERT", problem })?;
                let key = PrivateKeyDer::from_pem_file(key).map_err(|e| ConfigError {
                    var: "GATEHOUSE_TLS_KEY",
                    problem: format!("cannot read a PEM private key from {}: {e}", key.display()),
                })?;
                Tls::new(certs, key, Vec::new()).map(Some).map_err(|e| ConfigError {
                    var: "GATEHOUSE_TLS_CERT",
                    problem: format!("the certificate and key do not make a TLS configuration: {e}"),
                })
            }
            TlsSetting::SelfSigned => {
                let names = local_names(listen);
                let (cert, key) = self_signed_in(&data_dir.join("tls"), &names)
                    .map_err(|problem| ConfigError { var: "GATEHOUSE_TLS", problem })?;
                Tls::new(vec![cert], key, names)
                    .map(Some)
                    .map_err(|e| ConfigError { var: "GATEHOUSE_TLS", problem: e.to_string() })
            }
        }
    }

    /// A server configuration of rustls's safe defaults on the ring provider; HTTP/1.1 only, as
    /// `crate::serve` speaks it.
    pub fn new(
        certs: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
        names: Vec<String>,
    ) -> Result<Tls, rustls::Error> {
        let fingerprint = certs.first().map(|c| fingerprint(c)).unwrap_or_default();
        let mut config = ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(certs, key)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Tls { acceptor: TlsAcceptor::from(Arc::new(config)), fingerprint, names })
    }
}

fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("cannot read PEM certificates from {}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{} holds no PEM certificate", path.display()));
    }
    Ok(certs)
}

/// `AB:12:…`, the form browsers and `openssl x509 -fingerprint -sha256` show.
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    Sha256::digest(cert.as_ref()).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// A new self-signed certificate for `names` (host names or IP addresses) and its key, PEM.
pub fn self_signed(names: &[String]) -> Result<(String, String), String> {
    let made = rcgen::generate_simple_self_signed(names.to_vec())
        .map_err(|e| format!("cannot make a self-signed certificate: {e}"))?;
    Ok((made.cert.pem(), made.signing_key.serialize_pem()))
}

/// The pair kept in `folder` (`self-signed.crt`, `.key`, and the `.names` it was made for), made
/// anew when missing or made for other names, so that a phone that accepted it once keeps it.
fn self_signed_in(
    folder: &Path,
    names: &[String],
) -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), String> {
    let (cert_path, key_path, names_path) =
        (folder.join("self-signed.crt"), folder.join("self-signed.key"), folder.join("self-signed.names"));
    let wanted = names.join("\n");
    let kept = std::fs::read_to_string(&names_path).ok().filter(|kept| *kept == wanted);
    if kept.is_none() || !cert_path.exists() || !key_path.exists() {
        let (cert, key) = self_signed(names)?;
        let io = |what: &str, path: &Path, e: std::io::Error| format!("cannot {what} {}: {e}", path.display());
        std::fs::create_dir_all(folder).map_err(|e| io("create", folder, e))?;
        for path in [&cert_path, &key_path, &names_path] {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io("replace", path, e)),
                _ => {}
            }
        }
        crate::config::write_private(&key_path, &key).map_err(|e| io("write", &key_path, e))?;
        std::fs::write(&cert_path, cert).map_err(|e| io("write", &cert_path, e))?;
        std::fs::write(&names_path, &wanted).map_err(|e| io("write", &names_path, e))?;
    }
    let cert = read_certs(&cert_path)?.remove(0);
    let key =
        PrivateKeyDer::from_pem_file(&key_path).map_err(|e| format!("cannot read {}: {e}", key_path.display()))?;
    Ok((cert, key))
}

/// `localhost`, this machine's host name, and the addresses a phone on the same network may use:
/// the listening address, or every interface's when listening on all of them.
pub fn local_names(listen: SocketAddr) -> Vec<String> {
    let mut names = vec!["localhost".to_string()];
    if let Some(host) = std::fs::read_to_string("/proc/sys/kernel/hostname").ok().map(|h| h.trim().to_string()) {
        if !host.is_empty() && host != "localhost" {
            names.push(format!("{host}.local"));
            names.push(host);
        }
    }
    let addresses: Vec<IpAddr> = if listen.ip().is_unspecified() {
        if_addrs::get_if_addrs().map(|all| all.iter().map(|i| i.ip()).collect()).unwrap_or_default()
    } else {
        vec![listen.ip()]
    };
    let mut addresses: Vec<String> = addresses
        .into_iter()
        .filter(|ip| !matches!(ip, IpAddr::V6(v6) if v6.segments()[0] & 0xffc0 == 0xfe80))
        .chain([IpAddr::from([127, 0, 0, 1])])
        .map(|ip| ip.to_string())
        .collect();
    addresses.sort();
    addresses.dedup();
    names.extend(addresses);
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_is_off_unless_asked_for() {
        assert_eq!(TlsSetting::parse(None, None, None).ok(), Some(TlsSetting::Off));
        assert_eq!(TlsSetting::parse(Some("off"), None, None).ok(), Some(TlsSetting::Off));
    }

    #[test]
    fn a_certificate_and_key_turn_tls_on_together() {
        let files = TlsSetting::Files { cert: "c.pem".into(), key: "k.pem".into() };
        assert_eq!(TlsSetting::parse(None, Some("c.pem"), Some("k.pem")).ok(), Some(files));
        assert_eq!(TlsSetting::parse(None, Some("c.pem"), None).map_err(|e| e.var).err(), Some("GATEHOUSE_TLS_KEY"));
        assert_eq!(TlsSetting::parse(None, None, Some("k.pem")).map_err(|e| e.var).err(), Some("GATEHOUSE_TLS_CERT"));
    }

    #[test]
    fn self_signed_excludes_files_and_an_unknown_mode_is_named() {
        assert_eq!(TlsSetting::parse(Some("self-signed"), None, None).ok(), Some(TlsSetting::SelfSigned));
        assert!(TlsSetting::parse(Some("self-signed"), Some("c.pem"), Some("k.pem")).is_err());
        let error = TlsSetting::parse(Some("on"), None, None).expect_err("unknown").to_string();
        assert_eq!(error, "GATEHOUSE_TLS: 'on' is not off, files or self-signed");
    }

    #[test]
    fn a_self_signed_certificate_is_kept_until_the_names_change() {
        let folder = std::env::temp_dir().join(format!("gatehouse-tls-{}", std::process::id()));
        let names = vec!["localhost".to_string(), "127.0.0.1".to_string()];
        let (first, _) = self_signed_in(&folder, &names).expect("made");
        let (again, _) = self_signed_in(&folder, &names).expect("kept");
        assert_eq!(fingerprint(&first), fingerprint(&again));
        let (other, _) = self_signed_in(&folder, &["localhost".to_string()]).expect("made anew");
        assert_ne!(fingerprint(&first), fingerprint(&other));
        let _ = std::fs::remove_dir_all(&folder);
    }

    /// A self-signed pair written as `GATEHOUSE_TLS_CERT` and `GATEHOUSE_TLS_KEY` files, and the
    /// certificate's fingerprint.
    fn pem_files(folder: &Path) -> (TlsSetting, String) {
        let (cert, key) = self_signed(&["localhost".to_string()]).expect("a self-signed pair");
        let der = CertificateDer::from_pem_slice(cert.as_bytes()).expect("certificate PEM");
        let (cert_path, key_path) = (folder.join("cert.pem"), folder.join("key.pem"));
        std::fs::write(&cert_path, cert).expect("write certificate");
        std::fs::write(&key_path, key).expect("write key");
        (TlsSetting::Files { cert: cert_path, key: key_path }, fingerprint(&der))
    }

    fn listen() -> SocketAddr {
        "127.0.0.1:3443".parse().expect("address")
    }

    #[test]
    fn a_certificate_and_key_are_read_from_their_pem_files() {
        let folder = tempfile::tempdir().expect("temp dir");
        let (files, written) = pem_files(folder.path());

        let tls = Tls::load(&files, folder.path(), listen()).expect("loaded").expect("TLS on");

        assert_eq!(tls.fingerprint, written);
        assert!(tls.names.is_empty(), "names are the certificate's own business: {:?}", tls.names);
    }

    #[test]
    fn a_missing_or_garbled_pem_file_is_named_with_its_setting() {
        let folder = tempfile::tempdir().expect("temp dir");
        let (TlsSetting::Files { cert, key }, _) = pem_files(folder.path()) else { panic!("files") };
        let missing = folder.path().join("missing.pem");
        let garbled = folder.path().join("garbled.pem");
        std::fs::write(&garbled, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n").expect("write");
        let empty = folder.path().join("empty.pem");
        std::fs::write(&empty, "no PEM section here\n").expect("write");
        let error = |cert: &Path, key: &Path| {
            let files = TlsSetting::Files { cert: cert.to_path_buf(), key: key.to_path_buf() };
            let error = Tls::load(&files, folder.path(), listen()).err().expect("refused");
            (error.var, error.problem)
        };

        let cases = [
            (error(&missing, &key), "GATEHOUSE_TLS_CERT", "cannot read PEM certificates from", &missing),
            (error(&garbled, &key), "GATEHOUSE_TLS_CERT", "cannot read PEM certificates from", &garbled),
            (error(&empty, &key), "GATEHOUSE_TLS_CERT", "holds no PEM certificate", &empty),
            (error(&cert, &missing), "GATEHOUSE_TLS_KEY", "cannot read a PEM private key from", &missing),
            (error(&cert, &garbled), "GATEHOUSE_TLS_KEY", "cannot read a PEM private key from", &garbled),
            (error(&cert, &cert), "GATEHOUSE_TLS_KEY", "cannot read a PEM private key from", &cert),
        ];
        for ((var, problem), wanted_var, wanted, path) in cases {
            assert_eq!(var, wanted_var, "{problem}");
            assert!(problem.contains(wanted) && problem.contains(&path.display().to_string()), "{problem}");
        }
    }

    #[test]
    fn a_key_that_is_not_the_certificates_is_refused() {
        let folder = tempfile::tempdir().expect("temp dir");
        let (TlsSetting::Files { cert, .. }, _) = pem_files(folder.path()) else { panic!("files") };
        let (_, other_key) = self_signed(&["localhost".to_string()]).expect("another pair");
        let key = folder.path().join("other-key.pem");
        std::fs::write(&key, other_key).expect("write key");

        let error = Tls::load(&TlsSetting::Files { cert, key }, folder.path(), listen()).err().expect("refused");

        assert_eq!(error.var, "GATEHOUSE_TLS_CERT", "{}", error.problem);
        assert!(error.problem.contains("do not make a TLS configuration"), "{}", error.problem);
    }

    #[test]
    fn the_local_names_include_localhost_and_the_listening_address() {
        let names = local_names("192.168.1.20:443".parse().expect("address"));
        assert!(names.contains(&"localhost".to_string()) && names.contains(&"192.168.1.20".to_string()), "{names:?}");
    }
}
