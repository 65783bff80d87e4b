//! What a scanner read, as the server takes it: a signed QR payload, checked against the
//! operator's organization and its keys, or a ticket code typed by hand (or from a QR code
//! printed before tickets were signed). Either way, the ticket code to look up.
use crate::error::DomainError;
use crate::ids::OrgId;
use crate::reservation::StorageError;
use crate::tickets::code::{TicketCode, TicketCodeError};
use crate::tickets::signed::{PayloadError, PublicKey, SignatureRefusal, SignedTicket};

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Code(#[from] TicketCodeError),
    #[error(transparent)]
    Payload(#[from] PayloadError),
    /// The payload names another organization: its keys are not this operator's to check.
    #[error("This ticket is for another organization's venue.")]
    WrongOrganization,
    #[error(transparent)]
    Signature(#[from] SignatureRefusal),
    #[error("storage failure")]
    Storage(#[from] StorageError),
}

impl DomainError for ScanError {
    fn code(&self) -> &'static str {
        match self {
            Self::Code(e) => e.code(),
            Self::Payload(e) => e.code(),
            Self::WrongOrganization => "WRONG_ORGANIZATION",
            Self::Signature(e) => e.code(),
            Self::Storage(_) => "INTERNAL",
        }
    }

    /// Refused at the door, like the other door refusals (PRD §6.2).
    fn status(&self) -> u16 {
        match self {
            Self::Storage(_) => 500,
            _ => 400,
        }
    }

    fn storage_failure(&self) -> Option<&dyn std::error::Error> {
        match self {
            Self::Storage(e) => Some(e),
            _ => None,
        }
    }
}

/// The ticket code in `read`, for an operator of `orq` whose organization's keys are `keys`.
pub fn ticket_code_from_scan(read: &str, orq: OrgId, keys: &[PublicKey]) -> Result<TicketCode, ScanError> {
    let payload = match SignedTicket::parse(read) {
        Err(PayloadError::NotSigned) => return Ok(TicketCode::parse(read)?),
        parsed => parsed?,
    };
    if payload.orq() != orq {
        return Err(ScanError::WrongOrganization);
    }
    payload.check_signature(keys)?;
    Ok(payload.code().clone())
}

/// [`ticket_code_from_scan`] with the organization's keys read from storage (only for a payload).
#[cfg(feature = "ssr")]
pub async fn scanned_ticket_code(db: &crate::store::Db, orq: OrgId, read: &str) -> Result<TicketCode, ScanError> {
    let keys = if SignedTicket::is_payload(read) { organization_keys(db, orq).await? } else { Vec::new() };
    ticket_code_from_scan(read, orq, &keys)
}

/// The organization's keys that verify its QR codes. A stored key of the wrong length verifies
/// nothing and is left out: its QR codes are refused as signed with an unknown key.
#[cfg(feature = "ssr")]
pub(super) async fn organization_keys(db: &crate::store::Db, orq: OrgId) -> Result<Vec<PublicKey>, StorageError> {
    use crate::tickets::signed::{public_keys, KeyError};
    match public_keys(db, orq).await {
        Ok(keys) => Ok(keys),
        Err(KeyError::Storage(e)) => Err(e),
        Err(_) => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SigningKeyId;
    use chrono::{DateTime, NaiveDate};

    fn key() -> ed25519_dalek::SigningKey {
        ed25519_dalek::SigningKey::from_bytes(&[3; 32])
    }

    fn code() -> TicketCode {
        TicketCode::from_parts(2026, &[5; 16])
    }

    fn keys() -> Vec<PublicKey> {
        let public_key = key().verifying_key().to_bytes();
        vec![PublicKey { key_id: SigningKeyId(4), orq: OrgId(1), public_key, created_at: DateTime::UNIX_EPOCH }]
    }

    fn payload(orq: i64, key: &ed25519_dalek::SigningKey) -> String {
        let date = NaiveDate::from_ymd_opt(2026, 11, 23);
        SignedTicket::sign(code(), OrgId(orq), date, SigningKeyId(4), key).to_string()
    }

    #[test]
    fn a_signed_payload_reads_as_its_ticket_code() {
        assert_eq!(ticket_code_from_scan(&payload(1, &key()), OrgId(1), &keys()).ok(), Some(code()));
    }

    #[test]
    fn a_bare_code_typed_as_people_type_it_still_reads() {
        let typed = code().as_str().to_lowercase().replace('-', " ");
        assert_eq!(ticket_code_from_scan(&typed, OrgId(1), &[]).ok(), Some(code()));
        let typo = ticket_code_from_scan("TKT-2026-ABC", OrgId(1), &[]);
        assert_eq!(typo.map_err(|e| e.code()), Err("INVALID_TICKET_CODE"));
    }

    #[test]
    fn a_payload_signed_by_another_key_is_refused_as_an_invalid_signature() {
        let forged = payload(1, &ed25519_dalek::SigningKey::from_bytes(&[4; 32]));
        let refused = ticket_code_from_scan(&forged, OrgId(1), &keys()).unwrap_err();
        assert_eq!((refused.code(), refused.status()), ("INVALID_SIGNATURE", 400));
    }

    #[test]
    fn a_payload_of_another_organization_is_refused_before_its_signature_is_checked() {
        let theirs = ticket_code_from_scan(&payload(2, &key()), OrgId(1), &keys()).unwrap_err();
        assert_eq!(theirs.code(), "WRONG_ORGANIZATION");
    }

    #[test]
    fn a_malformed_or_later_payload_says_so() {
        let cut = &payload(1, &key())[..60];
        assert_eq!(ticket_code_from_scan(cut, OrgId(1), &keys()).unwrap_err().code(), "INVALID_TICKET_PAYLOAD");
        let later = payload(1, &key()).replacen("GH1", "GH2", 1);
        assert_eq!(ticket_code_from_scan(&later, OrgId(1), &keys()).unwrap_err().code(), "UNSUPPORTED_TICKET_FORMAT");
    }
}
