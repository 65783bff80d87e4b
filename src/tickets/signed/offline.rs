//! Checking a signed ticket with no server: against the organization's public keys, which a
//! scanner keeps (`GET /api/operator/keys`), and the venue's today.
use super::payload::SignedTicket;
use crate::error::{detail, details, DomainError};
use crate::ids::{OrgId, SigningKeyId};
use chrono::{DateTime, NaiveDate, Utc};
use ed25519_dalek::{Signature, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A key that verifies an organization's tickets: what `GET /api/operator/keys` lists, and what a
/// scanner keeps to check tickets offline. Its secret half never leaves the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    pub key_id: SigningKeyId,
    pub orq: OrgId,
    /// The Ed25519 public key: 32 bytes, RFC 4648 base32 without padding (52 characters).
    #[serde(with = "base32_key")]
    pub public_key: [u8; 32],
    #[serde(with = "crate::wire::instant")]
    pub created_at: DateTime<Utc>,
}

impl PublicKey {
    /// The key as it travels in JSON and is printed: base32 without padding.
    pub fn public_key_base32(&self) -> String {
        data_encoding::BASE32_NOPAD.encode(&self.public_key)
    }
}

/// Why a payload's signature is not the organization's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureRefusal {
    /// Not a key of the ticket's organization, or one retired since.
    #[error("This QR code is signed with a key this venue does not use; type the ticket code instead.")]
    UnknownKey,
    #[error("This QR code's signature does not match its contents: it is forged or altered.")]
    Forged,
}

impl DomainError for SignatureRefusal {
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownKey => "UNKNOWN_SIGNING_KEY",
            Self::Forged => "INVALID_SIGNATURE",
        }
    }
}

/// Why a scanner offline refuses entry. Codes and details are the server's (`EntryError`), so a
/// scanner words both alike.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfflineRefusal {
    #[error(transparent)]
    Signature(#[from] SignatureRefusal),
    #[error("Ticket has no reservation")]
    NoReservation,
    #[error("Ticket reserved for {reservation_date}, not today")]
    WrongDate { reservation_date: NaiveDate, today: NaiveDate, days_away: i64 },
}

impl DomainError for OfflineRefusal {
    fn code(&self) -> &'static str {
        match self {
            Self::Signature(e) => e.code(),
            Self::NoReservation => "NO_RESERVATION",
            Self::WrongDate { .. } => "WRONG_DATE",
        }
    }

    fn details(&self) -> Map<String, Value> {
        match self {
            Self::WrongDate { reservation_date, today, days_away } => details([
                ("reservation_date", detail(reservation_date)),
                ("today", detail(today)),
                ("days_away", detail(days_away)),
            ]),
            _ => Map::new(),
        }
    }
}

impl SignedTicket {
    /// Whether one of `keys` (its organization's, not retired) made this signature.
    pub fn check_signature(&self, keys: &[PublicKey]) -> Result<(), SignatureRefusal> {
        let key = keys
            .iter()
            .find(|k| k.orq == self.orq() && k.key_id == self.key_id())
            .and_then(|k| VerifyingKey::from_bytes(&k.public_key).ok())
            .ok_or(SignatureRefusal::UnknownKey)?;
        // Strict: refuses weak keys and the second spelling of a signature that plain
        // verification lets through.
        key.verify_strict(self.signed_text().as_bytes(), &Signature::from_bytes(self.signature()))
            .map_err(|_| SignatureRefusal::Forged)
    }
}

/// The door's verdict with no server: signed by one of `keys`, and reserved for `venue_today`.
/// What only the server knows (admitted already, changed or cancelled since the QR code was
/// shown) waits for the check-in to sync.
pub fn verify_offline(
    payload: &SignedTicket,
    keys: &[PublicKey],
    venue_today: NaiveDate,
) -> Result<(), OfflineRefusal> {
    payload.check_signature(keys)?;
    let reservation_date = payload.date().ok_or(OfflineRefusal::NoReservation)?;
    if reservation_date != venue_today {
        let days_away = (reservation_date - venue_today).num_days();
        return Err(OfflineRefusal::WrongDate { reservation_date, today: venue_today, days_away });
    }
    Ok(())
}

mod base32_key {
    use data_encoding::BASE32_NOPAD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(key: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&BASE32_NOPAD.encode(key))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        BASE32_NOPAD
            .decode(text.as_bytes())
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| serde::de::Error::custom("expected 32 bytes in base32 without padding"))
    }
}

#[cfg(test)]
mod tests {
    use super::super::payload::tests::{code, key, nov, signed};
    use super::*;
    use crate::tickets::code::TicketCode;

    fn public(key_id: i64, signing: &ed25519_dalek::SigningKey) -> PublicKey {
        PublicKey {
            key_id: SigningKeyId(key_id),
            orq: OrgId(1),
            public_key: signing.verifying_key().to_bytes(),
            created_at: DateTime::UNIX_EPOCH,
        }
    }

    fn keys() -> Vec<PublicKey> {
        vec![public(1, &key())]
    }

    /// `text` with field `index` (0 is `GH1`) replaced.
    fn altered(text: &str, index: usize, value: &str) -> SignedTicket {
        let mut fields: Vec<String> = text.split(':').map(str::to_string).collect();
        fields[index] = value.to_string();
        SignedTicket::parse(&fields.join(":")).expect("still well-formed")
    }

    #[test]
    fn a_ticket_signed_for_today_is_good_for_today() {
        assert_eq!(verify_offline(&signed(Some(nov(23))), &keys(), nov(23)), Ok(()));
    }

    #[test]
    fn each_altered_field_is_refused_as_a_forgery() {
        let text = signed(Some(nov(23))).to_string();
        let other_code = TicketCode::from_parts(2026, &[9; 16]).compact();
        let mut signature: Vec<char> = text.split(':').nth(5).unwrap().chars().collect();
        signature[10] = if signature[10] == 'A' { 'B' } else { 'A' };
        let signature: String = signature.into_iter().collect();
        for forged in [
            altered(&text, 1, &other_code),
            altered(&text, 3, "20261124"),
            altered(&text, 3, "-"),
            altered(&text, 5, &signature),
        ] {
            let refused = verify_offline(&forged, &keys(), nov(23));
            assert_eq!(refused, Err(OfflineRefusal::Signature(SignatureRefusal::Forged)), "{forged}");
            assert_eq!(refused.unwrap_err().code(), "INVALID_SIGNATURE");
        }
    }

    #[test]
    fn a_payload_naming_another_known_key_or_organization_is_refused() {
        let text = signed(Some(nov(23))).to_string();
        let other = ed25519_dalek::SigningKey::from_bytes(&[8; 32]);
        let keys = vec![public(1, &key()), public(2, &other)];
        let moved = altered(&text, 4, "2");
        assert_eq!(moved.check_signature(&keys), Err(SignatureRefusal::Forged));
        let other_org = altered(&text, 2, "2");
        assert_eq!(other_org.check_signature(&keys), Err(SignatureRefusal::UnknownKey));
    }

    #[test]
    fn a_payload_signed_with_a_key_the_scanner_does_not_hold_is_refused_as_unknown() {
        let ticket = SignedTicket::sign(code(), OrgId(1), Some(nov(23)), SigningKeyId(3), &key());
        let refused = verify_offline(&ticket, &keys(), nov(23));
        assert_eq!(refused, Err(OfflineRefusal::Signature(SignatureRefusal::UnknownKey)));
        assert_eq!(verify_offline(&ticket, &[], nov(23)).map_err(|e| e.code()), Err("UNKNOWN_SIGNING_KEY"));
    }

    #[test]
    fn a_ticket_for_another_day_says_its_day_and_how_far_away_it_is() {
        let refused = verify_offline(&signed(Some(nov(29))), &keys(), nov(23));
        assert_eq!(refused, Err(OfflineRefusal::WrongDate { reservation_date: nov(29), today: nov(23), days_away: 6 }));
        let refused = refused.unwrap_err();
        assert_eq!((refused.code(), refused.details()["days_away"].as_i64()), ("WRONG_DATE", Some(6)));
        let yesterday = verify_offline(&signed(Some(nov(22))), &keys(), nov(23));
        assert!(matches!(yesterday, Err(OfflineRefusal::WrongDate { days_away: -1, .. })), "{yesterday:?}");
    }

    #[test]
    fn a_ticket_signed_before_its_reservation_has_none() {
        let refused = verify_offline(&signed(None), &keys(), nov(23));
        assert_eq!(refused.map_err(|e| e.code()), Err("NO_RESERVATION"));
    }

    #[test]
    fn public_keys_travel_as_base32_and_come_back_the_same() {
        let json = serde_json::to_value(keys()).expect("json");
        assert_eq!(json[0]["public_key"].as_str().map(str::len), Some(52), "{json}");
        assert_eq!(json[0]["key_id"], 1);
        let back: Vec<PublicKey> = serde_json::from_value(json).expect("reads back");
        assert_eq!(back, keys());
    }
}
