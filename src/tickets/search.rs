//! Finding tickets for an admin: by code, by e-mail or by phone, within their organization. An
//! e-mail or phone finds tickets that carry it now and tickets whose reservations (cancelled ones
//! too) were made with it.
use super::lifecycle::TicketStatus;
use crate::error::DomainError;
use crate::ids::OrderId;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

/// The most tickets one search lists.
pub const MAX_RESULTS: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    #[error("Type a ticket code, an e-mail address or a phone number.")]
    Empty,
    #[error("Type a ticket code, an e-mail address or a phone number with its country code (+1 202 555 0143).")]
    Unrecognised,
    #[error(transparent)]
    Code(#[from] super::code::TicketCodeError),
    #[error(transparent)]
    Contact(#[from] crate::contact::ContactError),
}

impl DomainError for SearchError {
    fn code(&self) -> &'static str {
        match self {
            Self::Empty => "SEARCH_EMPTY",
            Self::Unrecognised => "SEARCH_UNRECOGNISED",
            Self::Code(e) => e.code(),
            Self::Contact(e) => e.code(),
        }
    }
}

/// A ticket found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Found {
    pub code: String,
    pub status: TicketStatus,
    pub product: String,
    pub order_id: OrderId,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[serde(with = "crate::wire::date::option")]
    pub visit_date: Option<NaiveDate>,
    #[serde(with = "crate::wire::time::option")]
    pub visit_time: Option<NaiveTime>,
    #[serde(with = "crate::wire::instant")]
    pub created_at: DateTime<Utc>,
}

/// What a search found: at most [`MAX_RESULTS`], newest first; `more` when there were others.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub tickets: Vec<Found>,
    pub more: bool,
}

#[cfg(feature = "ssr")]
pub use storage::{search, SearchKey};

#[cfg(feature = "ssr")]
mod storage {
    use super::*;
    use crate::contact::{Email, PhoneE164};
    use crate::ids::OrgId;
    use crate::on_pool;
    use crate::store::Db;
    use crate::tickets::code::{TicketCode, TicketCodeError};

    /// What the admin typed, read as the one thing it can be.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum SearchKey {
        Code(TicketCode),
        Email(Email),
        Phone(PhoneE164),
    }

    impl SearchKey {
        pub fn parse(input: &str) -> Result<SearchKey, SearchError> {
            let input = input.trim();
            if input.is_empty() {
                return Err(SearchError::Empty);
            }
            if input.contains('@') {
                return Ok(SearchKey::Email(Email::parse(input)?));
            }
            let not_a_code = match TicketCode::parse(input) {
                Ok(code) => return Ok(SearchKey::Code(code)),
                Err(e) => e,
            };
            if input.starts_with('+') || input.chars().all(|c| c.is_ascii_digit() || " ()-.".contains(c)) {
                return Ok(SearchKey::Phone(PhoneE164::parse(input)?));
            }
            let looks_like_a_code = input.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("TKT"));
            if not_a_code == TicketCodeError::CheckFailed || looks_like_a_code {
                Err(not_a_code.into())
            } else {
                Err(SearchError::Unrecognised)
            }
        }
    }

    /// The organization's tickets `key` finds.
    pub async fn search(db: &Db, orq: OrgId, key: &SearchKey) -> Result<Results, sqlx::Error> {
        let (condition, value) = match key {
            SearchKey::Code(code) => ("t.ticket_code = $2", code.as_str()),
            SearchKey::Email(email) => (
                "(lower(t.customer_email) = lower($2) OR t.id IN (
                    SELECT h.ticket_id FROM ticket_reservations h WHERE h.orq = $1 AND lower(h.customer_email) = lower($2)))",
                email.as_str(),
            ),
            SearchKey::Phone(phone) => (
                "(t.customer_phone = $2 OR t.id IN (
                    SELECT h.ticket_id FROM ticket_reservations h WHERE h.orq = $1 AND h.customer_phone = $2))",
                phone.as_str(),
            ),
        };
        let sql = format!(
            "SELECT t.ticket_code AS code, t.status, p.name AS product, t.order_id,
                    t.customer_email AS email, t.customer_phone AS phone,
                    s.date AS visit_date, s.start_time AS visit_time, t.created_at
             FROM {} JOIN products p ON p.id = t.product_id
             WHERE t.orq = $1 AND {condition}
             ORDER BY t.id DESC LIMIT $3",
            crate::ticket_with_live_reservation!()
        );
        let mut tickets: Vec<Found> = on_pool!(db, pool => sqlx::query_as(&sql)
            .bind(orq).bind(value).bind(MAX_RESULTS as i64 + 1).fetch_all(pool).await)?;
        let more = tickets.len() > MAX_RESULTS;
        tickets.truncate(MAX_RESULTS);
        Ok(Results { tickets, more })
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::tickets::code::TicketCode;

    #[test]
    fn what_an_admin_types_is_read_as_a_code_an_email_or_a_phone() {
        let code = TicketCode::from_parts(2026, &[3; 16]);
        assert_eq!(SearchKey::parse(&code.compact().to_lowercase()), Ok(SearchKey::Code(code)));
        assert!(
            matches!(SearchKey::parse(" Ann@Example.COM "), Ok(SearchKey::Email(e)) if e.as_str() == "Ann@example.com")
        );
        assert!(
            matches!(SearchKey::parse("+1 (202) 555-0143"), Ok(SearchKey::Phone(p)) if p.as_str() == "+12025550143")
        );
    }

    #[test]
    fn a_mistyped_key_is_refused_with_what_is_wrong() {
        assert_eq!(SearchKey::parse("  "), Err(SearchError::Empty));
        assert_eq!(SearchKey::parse("ann@"), Err(SearchError::Contact(crate::contact::ContactError::InvalidEmail)));
        assert_eq!(
            SearchKey::parse("TKT-2026"),
            Err(SearchError::Code(crate::tickets::code::TicketCodeError::WrongLength { expected: 21, found: 4 }))
        );
        assert_eq!(SearchKey::parse("hello there"), Err(SearchError::Unrecognised));
        let mut typo = TicketCode::from_parts(2026, &[20; 16]).compact();
        typo.replace_range(5..6, if &typo[5..6] == "4" { "5" } else { "4" });
        assert_eq!(SearchKey::parse(&typo), Err(SearchError::Code(crate::tickets::code::TicketCodeError::CheckFailed)));
    }
}
