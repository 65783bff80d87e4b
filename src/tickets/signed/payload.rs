//! The payload's text (see the module above for its format): parsed into a [`SignedTicket`],
//! written back by `Display` in its one spelling.
use crate::error::DomainError;
use crate::ids::{OrgId, SigningKeyId};
use crate::tickets::code::TicketCode;
use chrono::{Datelike, NaiveDate};
use data_encoding::BASE32_NOPAD;
use std::fmt;

/// The format this version writes and reads.
pub const PREFIX: &str = "GH1:";
const SIGNATURE_LEN: usize = ed25519_dalek::SIGNATURE_LENGTH;
/// Ids up to 18 digits always fit an `i64`.
const MAX_ID_DIGITS: usize = 18;

/// A parsed payload. Its signature is not checked yet: [`super::verify_offline`] does that, and
/// the server's reading of a scan (`admission::scan`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTicket {
    code: TicketCode,
    orq: OrgId,
    date: Option<NaiveDate>,
    key_id: SigningKeyId,
    signature: [u8; SIGNATURE_LEN],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    /// No `GH<n>:` prefix: perhaps a ticket code, typed or from an older QR code.
    #[error("This is not a signed ticket.")]
    NotSigned,
    #[error("This QR code is a newer ticket format (version {0}) than this scanner reads.")]
    UnsupportedVersion(u32),
    #[error("This QR code is not a ticket Gatehouse can read: its {0} is malformed.")]
    Malformed(&'static str),
}

impl DomainError for PayloadError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnsupportedVersion(_) => "UNSUPPORTED_TICKET_FORMAT",
            Self::NotSigned | Self::Malformed(_) => "INVALID_TICKET_PAYLOAD",
        }
    }
}

impl SignedTicket {
    /// Whether `text` claims to be a signed payload (of any version), rather than a ticket code.
    pub fn is_payload(text: &str) -> bool {
        version_of(text.trim()).is_some()
    }

    /// Reads a payload as a scanner found it (surrounding whitespace ignored). Only the one
    /// spelling `Display` writes is accepted, so the signed text is the text read.
    pub fn parse(input: &str) -> Result<Self, PayloadError> {
        let text = input.trim();
        let version = version_of(text).ok_or(PayloadError::NotSigned)?;
        if version != 1 {
            return Err(PayloadError::UnsupportedVersion(version));
        }
        let body = text.strip_prefix(PREFIX).ok_or(PayloadError::Malformed("layout"))?;
        let (signed, signature) = body.rsplit_once(':').ok_or(PayloadError::Malformed("layout"))?;
        let fields: Vec<&str> = signed.split(':').collect();
        let [code, orq, date, key_id] = fields[..] else { return Err(PayloadError::Malformed("layout")) };
        let code = TicketCode::parse(code)
            .ok()
            .filter(|c| c.compact() == code)
            .ok_or(PayloadError::Malformed("ticket code"))?;
        let orq = decimal(orq).map(OrgId).ok_or(PayloadError::Malformed("organization"))?;
        let date = match date {
            "-" => None,
            ymd => Some(parse_ymd(ymd).ok_or(PayloadError::Malformed("date"))?),
        };
        let key_id = decimal(key_id).map(SigningKeyId).ok_or(PayloadError::Malformed("key id"))?;
        let signature = BASE32_NOPAD
            .decode(signature.as_bytes())
            .ok()
            .and_then(|bytes| <[u8; SIGNATURE_LEN]>::try_from(bytes).ok())
            .ok_or(PayloadError::Malformed("signature"))?;
        Ok(SignedTicket { code, orq, date, key_id, signature })
    }

    pub fn code(&self) -> &TicketCode {
        &self.code
    }

    pub fn orq(&self) -> OrgId {
        self.orq
    }

    /// The reserved date when it was signed; `None` for a ticket not reserved yet.
    pub fn date(&self) -> Option<NaiveDate> {
        self.date
    }

    pub fn key_id(&self) -> SigningKeyId {
        self.key_id
    }

    pub(super) fn signature(&self) -> &[u8; SIGNATURE_LEN] {
        &self.signature
    }

    /// What the signature covers: the payload up to its last `:`.
    pub(super) fn signed_text(&self) -> String {
        signed_text(&self.code, self.orq, self.date, self.key_id)
    }
}

#[cfg(any(test, feature = "ssr"))]
impl SignedTicket {
    /// The payload of `code` (organization `orq`, reserved for `date`), signed with `key`, the
    /// organization's key `key_id`.
    pub fn sign(
        code: TicketCode,
        orq: OrgId,
        date: Option<NaiveDate>,
        key_id: SigningKeyId,
        key: &ed25519_dalek::SigningKey,
    ) -> Self {
        use ed25519_dalek::Signer;
        let signature = key.sign(signed_text(&code, orq, date, key_id).as_bytes()).to_bytes();
        SignedTicket { code, orq, date, key_id, signature }
    }
}

impl fmt::Display for SignedTicket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.signed_text(), BASE32_NOPAD.encode(&self.signature))
    }
}

fn signed_text(code: &TicketCode, orq: OrgId, date: Option<NaiveDate>, key_id: SigningKeyId) -> String {
    let date = match date {
        Some(d) => format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()),
        None => "-".to_string(),
    };
    format!("{PREFIX}{}:{orq}:{date}:{key_id}", code.compact())
}

/// The version of a `GH<n>:` prefix.
fn version_of(text: &str) -> Option<u32> {
    let rest = text.strip_prefix("GH")?;
    let (digits, _) = rest.split_once(':')?;
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A positive decimal number without leading zeros.
fn decimal(field: &str) -> Option<i64> {
    let canonical = !field.is_empty()
        && field.len() <= MAX_ID_DIGITS
        && !field.starts_with('0')
        && field.bytes().all(|b| b.is_ascii_digit());
    canonical.then(|| field.parse().ok()).flatten()
}

/// `YYYYMMDD`.
fn parse_ymd(field: &str) -> Option<NaiveDate> {
    if field.len() != 8 || !field.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::from_ymd_opt(field[..4].parse().ok()?, field[4..6].parse().ok()?, field[6..].parse().ok()?)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;

    pub fn key() -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&[7; 32])
    }

    pub fn code() -> TicketCode {
        TicketCode::from_parts(2026, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
    }

    pub fn nov(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).expect("a date")
    }

    pub fn signed(date: Option<NaiveDate>) -> SignedTicket {
        SignedTicket::sign(code(), OrgId(1), date, SigningKeyId(1), &key())
    }

    #[test]
    fn a_signed_ticket_reads_back_from_its_text_unchanged() {
        let ticket = signed(Some(nov(28)));
        let text = ticket.to_string();
        assert_eq!(SignedTicket::parse(&text), Ok(ticket.clone()));
        assert_eq!(SignedTicket::parse(&format!(" {text}\n")), Ok(ticket), "a scanner's trailing newline");
    }

    #[test]
    fn the_text_has_the_documented_fields_in_order() {
        let text = signed(Some(nov(28))).to_string();
        let fields: Vec<&str> = text.split(':').collect();
        assert_eq!(fields[..5], ["GH1", &code().compact(), "1", "20261128", "1"]);
        assert_eq!(fields[5].len(), 103, "64 bytes in base32 without padding");
        let unreserved = signed(None).to_string();
        assert_eq!(unreserved.split(':').nth(3), Some("-"), "{unreserved}");
        assert_eq!(SignedTicket::parse(&unreserved).map(|t| t.date()), Ok(None));
    }

    #[test]
    fn a_typical_payload_is_142_characters_of_the_qr_alphanumeric_set() {
        let text = signed(Some(nov(28))).to_string();
        assert_eq!(text.len(), 142, "{text}");
        let alphanumeric = |c: char| c.is_ascii_digit() || c.is_ascii_uppercase() || " $%*+-./:".contains(c);
        assert!(text.chars().all(alphanumeric), "{text}");
    }

    #[test]
    fn a_ticket_code_is_not_a_payload() {
        assert!(!SignedTicket::is_payload(code().as_str()));
        assert_eq!(SignedTicket::parse(code().as_str()), Err(PayloadError::NotSigned));
        assert_eq!(SignedTicket::parse(&code().compact()), Err(PayloadError::NotSigned));
        assert_eq!(SignedTicket::parse(""), Err(PayloadError::NotSigned));
    }

    #[test]
    fn a_later_format_is_refused_as_such() {
        let later = signed(None).to_string().replacen("GH1:", "GH2:", 1);
        assert!(SignedTicket::is_payload(&later));
        assert_eq!(SignedTicket::parse(&later), Err(PayloadError::UnsupportedVersion(2)));
    }

    #[test]
    fn any_other_spelling_of_a_field_is_refused() {
        let text = signed(Some(nov(28))).to_string();
        let with = |field: usize, value: &str| {
            let mut fields: Vec<String> = text.split(':').map(str::to_string).collect();
            fields[field] = value.to_string();
            fields.join(":")
        };
        let cases = [
            (with(1, code().as_str()), "ticket code"),
            (with(1, &code().compact().to_lowercase()), "ticket code"),
            (with(2, "01"), "organization"),
            (with(2, "0"), "organization"),
            (with(2, "-1"), "organization"),
            (with(2, "9999999999999999999"), "organization"),
            (with(3, "2026-11-28"), "date"),
            (with(3, "20261131"), "date"),
            (with(3, ""), "date"),
            (with(4, "+1"), "key id"),
            (with(5, &text.split(':').nth(5).unwrap().to_lowercase()), "signature"),
            (with(5, &text.split(':').nth(5).unwrap()[..102]), "signature"),
            (with(5, &format!("{}A", text.split(':').nth(5).unwrap())), "signature"),
            (format!("{text}:X"), "layout"),
            ("GH1:".to_string(), "layout"),
        ];
        for (odd, field) in cases {
            assert_eq!(SignedTicket::parse(&odd), Err(PayloadError::Malformed(field)), "{odd}");
        }
    }

    proptest! {
        /// Whatever a camera reads is answered, never a panic.
        #[test]
        fn any_input_is_answered_without_a_panic(input in any::<String>()) {
            let _ = SignedTicket::parse(&input);
            let _ = SignedTicket::parse(&format!("GH1:{input}"));
            let _ = SignedTicket::parse(&format!("GH1:{}:{input}", code().compact()));
        }

        #[test]
        fn every_signed_ticket_reads_back(orq in 1i64..1_000_000_000, key_id in 1i64..1_000_000, days in 0i64..40_000) {
            let date = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Duration::days(days);
            let ticket = SignedTicket::sign(code(), OrgId(orq), Some(date), SigningKeyId(key_id), &key());
            prop_assert_eq!(SignedTicket::parse(&ticket.to_string()), Ok(ticket));
        }
    }
}
