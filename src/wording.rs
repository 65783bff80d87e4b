//! Dates and times as the pages say them ("Wednesday, November 25", "2:00 PM"). Written out
//! by hand rather than with chrono's strftime because the browser renders them too, and the
//! formatter would add its weight to every page's WASM.
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

const WEEKDAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn weekday(date: NaiveDate) -> &'static str {
    WEEKDAYS[date.weekday().num_days_from_monday() as usize]
}

pub fn month_name(month: u32) -> &'static str {
    MONTHS[(month as usize + 11) % 12]
}

/// "Nov" from "November", "Wed" from "Wednesday".
fn short(name: &str) -> &str {
    &name[..3]
}

/// "Wednesday, November 25"
pub fn day_and_date(date: NaiveDate) -> String {
    format!("{}, {} {}", weekday(date), month_name(date.month()), date.day())
}

/// "Wednesday, November 25, 2026"
pub fn full_date(date: NaiveDate) -> String {
    format!("{}, {}", day_and_date(date), date.year())
}

/// "Wed Nov 25"
pub fn short_date(date: NaiveDate) -> String {
    format!("{} {} {}", short(weekday(date)), short(month_name(date.month())), date.day())
}

/// "November 2026"
pub fn month_and_year(year: i32, month: u32) -> String {
    format!("{} {year}", month_name(month))
}

/// "2:00 PM"
pub fn clock_time(time: NaiveTime) -> String {
    let (pm, hour) = time.hour12();
    format!("{hour}:{:02} {}", time.minute(), if pm { "PM" } else { "AM" })
}

/// "10:00 AM–12:00 PM"
pub fn time_range(start: NaiveTime, end: NaiveTime) -> String {
    format!("{}–{}", clock_time(start), clock_time(end))
}

/// "Wednesday, November 25, 10:00 AM–12:00 PM": a visit's day and time in one phrase.
pub fn visit(date: NaiveDate, start: NaiveTime, end: NaiveTime) -> String {
    format!("{}, {}", day_and_date(date), time_range(start, end))
}

/// A venue's time zone as visitors say it: `America/New_York` is "New York time".
pub fn zone(name: &str) -> String {
    let city = name.rsplit('/').next().unwrap_or(name).replace('_', " ");
    format!("{city} time")
}

/// A ticket's status as its holder would say it; the stored names are for machines.
pub fn ticket_status(status: crate::tickets::lifecycle::TicketStatus) -> &'static str {
    use crate::tickets::lifecycle::TicketStatus::*;
    match status {
        PendingPayment => "Awaiting payment",
        Activated => "Paid, no visit booked yet",
        Reserved => "Visit booked",
        Verified => "Used",
        Expired => "Expired",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_is_said_by_its_city() {
        assert_eq!(zone("America/New_York"), "New York time");
        assert_eq!(zone("Europe/London"), "London time");
        assert_eq!(zone("UTC"), "UTC time");
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn dates_read_like_strftime_would_write_them() {
        let d = date(2026, 11, 25);
        assert_eq!(day_and_date(d), d.format("%A, %B %-d").to_string());
        assert_eq!(full_date(d), d.format("%A, %B %-d, %Y").to_string());
        assert_eq!(short_date(d), d.format("%a %b %-d").to_string());
        assert_eq!(month_and_year(2027, 1), "January 2027");
        for day in 0..400 {
            let d = date(2026, 1, 1) + chrono::Duration::days(day);
            assert_eq!(full_date(d), d.format("%A, %B %-d, %Y").to_string());
            assert_eq!(short_date(d), d.format("%a %b %-d").to_string());
        }
    }

    #[test]
    fn times_use_a_12_hour_clock_with_midnight_and_noon_as_12() {
        assert_eq!(clock_time(time(0, 5)), "12:05 AM");
        assert_eq!(clock_time(time(9, 30)), "9:30 AM");
        assert_eq!(clock_time(time(12, 0)), "12:00 PM");
        assert_eq!(clock_time(time(23, 59)), "11:59 PM");
        assert_eq!(time_range(time(10, 0), time(12, 0)), "10:00 AM–12:00 PM");
        assert_eq!(visit(date(2026, 11, 25), time(10, 0), time(12, 0)), "Wednesday, November 25, 10:00 AM–12:00 PM");
        for minute in 0..24 * 60 {
            let t = time(minute / 60, minute % 60);
            assert_eq!(clock_time(t), t.format("%-I:%M %p").to_string());
        }
    }
}
