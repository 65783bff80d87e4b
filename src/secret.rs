//! Bearer secrets (API tokens, a reservation's management token): random, shown once, stored
//! only as a SHA-256 digest so a database leak hands out nothing that works. No slow hash is
//! needed: the secrets have full entropy, unlike passwords.
#[cfg(feature = "ssr")]
use sha2::{Digest, Sha256};

/// `prefix` followed by `bytes` random bytes in lower-case hex.
#[cfg(feature = "ssr")]
pub fn random_token(prefix: &str, bytes: usize) -> String {
    let mut raw = vec![0u8; bytes];
    rand::fill(raw.as_mut_slice());
    format!("{prefix}{}", hex(&raw))
}

/// What is stored in place of a secret.
#[cfg(feature = "ssr")]
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// Whether `secret` is the one whose digest was stored, compared in constant time.
#[cfg(feature = "ssr")]
pub fn matches(secret: &str, stored_digest: &str) -> bool {
    same(&digest(secret), stored_digest)
}

/// Whether two secrets are equal, in a time that does not depend on where they differ; an empty
/// secret equals nothing.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    !a.is_empty() && a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn a_secret_matches_its_digest_and_nothing_else() {
        let token = random_token("m_", 16);
        assert_eq!(token.len(), 2 + 32);
        let stored = digest(&token);
        assert!(matches(&token, &stored));
        assert!(!matches(&random_token("m_", 16), &stored));
        assert!(!matches(&token, ""));
    }
}
