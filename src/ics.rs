//! An "add to calendar" file (RFC 5545) for a reserved visit. Times are written in UTC, so every
//! calendar shows them right in its own zone without needing the venue's zone definitions.
use chrono::{DateTime, Utc};

pub struct Visit<'a> {
    pub uid: &'a str,
    pub title: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub stamped_at: DateTime<Utc>,
}

/// Escapes TEXT values (RFC 5545 §3.3.11).
fn text(value: &str) -> String {
    value.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// Folds content lines longer than 75 octets (RFC 5545 §3.1), never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out
}

pub fn event(visit: &Visit<'_>) -> String {
    let stamp = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Gatehouse//Reservations//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:{}", text(visit.uid)),
        format!("DTSTAMP:{}", stamp(visit.stamped_at)),
        format!("DTSTART:{}", stamp(visit.starts_at)),
        format!("DTEND:{}", stamp(visit.ends_at)),
        format!("SUMMARY:{}", text(visit.title)),
        format!("LOCATION:{}", text(visit.location)),
        format!("DESCRIPTION:{}", text(visit.description)),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ];
    lines.iter().map(|l| fold(l) + "\r\n").collect()
}

/// A ticket's visit as one event: what the ticket page's "Add to calendar" downloads and what
/// the confirmation e-mail attaches, so both are the same file.
pub fn ticket_visit(
    ticket_code: &str,
    venue_name: &str,
    venue_address: &str,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> String {
    event(&Visit {
        uid: &format!("{ticket_code}@gatehouse"),
        title: &format!("Visit: {venue_name}"),
        location: venue_address,
        description: &format!("Ticket {ticket_code}. Show its QR code at the entrance."),
        starts_at,
        ends_at,
        stamped_at: now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_visit_becomes_one_event_in_utc_with_crlf_lines() {
        let at = |h| Utc.with_ymd_and_hms(2026, 11, 25, h, 0, 0).unwrap();
        let ics = event(&Visit {
            uid: "TKT-2026-X@gatehouse",
            title: "Visit: Harbor Museum of Light",
            location: "1 Pier Street, New York, NY",
            description: "Ticket TKT-2026-X; show the QR code at the entrance.",
            starts_at: at(17),
            ends_at: at(19),
            stamped_at: at(12),
        });
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.contains("DTSTART:20261125T170000Z\r\n"));
        assert!(ics.contains("DTEND:20261125T190000Z\r\n"));
        assert!(ics.contains("LOCATION:1 Pier Street\\, New York\\, NY\r\n"));
        assert!(ics.contains("Ticket TKT-2026-X\\; show"));
        assert!(ics.lines().all(|l| l.len() <= 76));
    }

    #[test]
    fn long_lines_fold_without_splitting_characters() {
        let folded = fold(&"é".repeat(60));
        assert!(folded.split("\r\n ").all(|part| part.len() <= 75));
        assert_eq!(folded.replace("\r\n ", ""), "é".repeat(60));
    }
}
