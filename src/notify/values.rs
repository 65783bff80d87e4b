//! The words a message's templates fill in, from the facts of its visit or order: dates in
//! words, times on the venue's clock, links to the customer's pages.
use super::templates::Values;
use chrono::{NaiveDate, NaiveTime};

/// The content id the e-mail's QR code picture is referred to by (`cid:qr`).
pub const QR_CID: &str = "qr";

/// Who sends: the venue, as its customers know it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sender {
    pub name: String,
    pub address: String,
    pub time_zone: String,
}

/// A visit as a message tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitFacts {
    pub ticket_code: String,
    pub date: NaiveDate,
    pub start_time: NaiveTime,
    pub end_time: NaiveTime,
}

/// A pickup order as a message tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderFacts {
    pub shop: String,
    pub code: String,
    pub customer_name: String,
    /// "2 × Coffee beans, 1 × Mug".
    pub items: String,
    /// "$23.50".
    pub total: String,
    pub pickup_date: NaiveDate,
    pub pickup_start: NaiveTime,
    pub pickup_end: NaiveTime,
}

/// Where links in messages point: `GATEHOUSE_PUBLIC_URL`, or the address the server listens on.
#[derive(Debug, Clone, PartialEq)]
pub struct Links {
    pub base_url: String,
}

impl Links {
    pub fn ticket(&self, code: &str) -> String {
        format!("{}/ticket?code={code}", self.base_url.trim_end_matches('/'))
    }
    pub fn manage(&self, code: &str, token: &str) -> String {
        format!("{}&manage={token}", self.ticket(code))
    }
    pub fn book(&self, code: &str) -> String {
        format!("{}/reserve?ticket={code}", self.base_url.trim_end_matches('/'))
    }
    pub fn order(&self, code: &str) -> String {
        format!("{}/shop/lookup?code={code}", self.base_url.trim_end_matches('/'))
    }
}

fn sender_values(sender: &Sender) -> Values {
    vec![
        ("sender", sender.name.clone()),
        ("sender_address", sender.address.clone()),
        ("venue", sender.name.clone()),
        ("venue_address", sender.address.clone()),
        ("zone", crate::wording::zone(&sender.time_zone)),
    ]
}

/// A visit's values. `manage_token` is the secret the message carries, when it carries one;
/// without it the management link is the plain ticket page.
pub fn visit_values(
    sender: &Sender,
    visit: &VisitFacts,
    links: &Links,
    manage_token: Option<&str>,
    arrival: &str,
    cutoff_hours: i64,
) -> Values {
    let code = &visit.ticket_code;
    let mut values = sender_values(sender);
    values.extend([
        ("ticket_code", code.clone()),
        ("date", crate::wording::full_date(visit.date)),
        ("short_date", crate::wording::short_date(visit.date)),
        ("time", crate::wording::time_range(visit.start_time, visit.end_time)),
        ("arrival", arrival.to_string()),
        ("cutoff_hours", cutoff_hours.to_string()),
        ("ticket_link", links.ticket(code)),
        ("manage_link", manage_token.map_or_else(|| links.ticket(code), |t| links.manage(code, t))),
        ("book_link", links.book(code)),
        ("qr_cid", QR_CID.to_string()),
    ]);
    values
}

pub fn order_values(sender: &Sender, order: &OrderFacts, links: &Links) -> Values {
    let mut values = sender_values(sender);
    values.extend([
        ("shop", order.shop.clone()),
        ("order_code", order.code.clone()),
        ("customer_name", order.customer_name.clone()),
        ("items", order.items.clone()),
        ("total", order.total.clone()),
        ("pickup_date", crate::wording::full_date(order.pickup_date)),
        ("pickup_time", crate::wording::time_range(order.pickup_start, order.pickup_end)),
        ("order_link", links.order(&order.code)),
    ]);
    values
}

/// A verification code's values: the code and how long it lasts.
pub fn code_values(sender: &Sender, code: &str, minutes: i64) -> Values {
    let mut values = sender_values(sender);
    values.extend([("code", code.to_string()), ("minutes", minutes.to_string())]);
    values
}

/// A made-up visit or order with every value its kind's templates may use: templates are
/// checked against it when loaded.
pub fn sample_values(kind: super::kind::Kind) -> Values {
    let sender = Sender {
        name: "City Museum".into(),
        address: "1 Museum Square, Springfield".into(),
        time_zone: "America/New_York".into(),
    };
    let links = Links { base_url: "https://tickets.example".into() };
    let date = NaiveDate::from_ymd_opt(2026, 12, 17).unwrap_or_default();
    let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default();
    if kind == super::kind::Kind::VerificationCode {
        return code_values(&sender, "042917", 5);
    }
    if kind.is_order() {
        let order = OrderFacts {
            shop: "Museum Shop".into(),
            code: "K7QX-M4RZ".into(),
            customer_name: "Ada".into(),
            items: "2 × Postcard set, 1 × Mug".into(),
            total: "$23.50".into(),
            pickup_date: date,
            pickup_start: at(10),
            pickup_end: at(11),
        };
        order_values(&sender, &order, &links)
    } else {
        let visit =
            VisitFacts { ticket_code: "TKT-2026-ABC123-DEF456".into(), date, start_time: at(14), end_time: at(16) };
        visit_values(&sender, &visit, &links, Some("m_token"), "Come in any time during your time.", 24)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_lead_to_the_customers_pages_whatever_the_base_ends_with() {
        let links = Links { base_url: "https://t.example/".into() };
        assert_eq!(links.manage("TKT-1", "m_x"), "https://t.example/ticket?code=TKT-1&manage=m_x");
        assert_eq!(links.book("TKT-1"), "https://t.example/reserve?ticket=TKT-1");
        assert_eq!(links.order("K7QX-M4RZ"), "https://t.example/shop/lookup?code=K7QX-M4RZ");
    }

    #[test]
    fn a_visit_is_told_in_words_on_the_venues_clock() {
        let values = sample_values(super::super::kind::Kind::Booked);
        let get = |n: &str| values.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone()).unwrap();
        assert_eq!(get("date"), "Thursday, December 17, 2026");
        assert_eq!(get("zone"), "New York time");
        assert!(get("manage_link").ends_with("manage=m_token"));
    }
}
