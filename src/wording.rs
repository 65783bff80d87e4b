//! Dates and times as the pages say them ("Wednesday, November 25", "2:00 PM"). Written out
//! by hand rather than with chrono's strftime because the browser renders them too, and the
//! formatter would add its weight to every page's WASM.
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};

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

/// How far `date` is from `today`: "today", "tomorrow", "6 days from now", "yesterday", "3 days ago".
pub fn days_from(date: NaiveDate, today: NaiveDate) -> String {
    match (date - today).num_days() {
        0 => "today".into(),
        1 => "tomorrow".into(),
        -1 => "yesterday".into(),
        n if n > 0 => format!("{n} days from now"),
        n => format!("{} days ago", -n),
    }
}

/// Days of the week as a sign on a door says them: "every day", "Tuesday–Sunday", "every day
/// except Thursday", "Saturday and Sunday", "Monday, Wednesday and Friday". Three days or more in
/// a row make a range, across the weekend too ("Friday–Monday"); but one or two days closed
/// mid-week are said as such, not as "Friday–Wednesday". Empty when `days` is.
pub fn weekdays(days: &[Weekday]) -> String {
    let open = |i: usize| days.iter().any(|d| d.num_days_from_monday() as usize == i % 7);
    let closed: Vec<usize> = (0..7).filter(|&i| !open(i)).collect();
    let Some(&first_closed) = closed.first() else { return "every day".to_string() };
    // Runs are read from the day after a closed one, so that a run across Sunday stays whole.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for i in first_closed + 1..first_closed + 8 {
        if !open(i) {
            continue;
        }
        match runs.last_mut() {
            Some((first, length)) if *first + *length == i => *length += 1,
            _ => runs.push((i, 1)),
        }
    }
    let name = |i: usize| WEEKDAYS[i % 7].to_string();
    let within_the_week = matches!(runs.as_slice(), [(first, length)] if first % 7 + length <= 7);
    if closed.len() <= 2 && !within_the_week {
        return format!("every day except {}", and_list(closed.into_iter().map(name).collect()));
    }
    runs.sort_by_key(|&(first, _)| first % 7);
    and_list(
        runs.into_iter()
            .flat_map(|(first, length)| match length {
                3.. => vec![format!("{}–{}", name(first), name(first + length - 1))],
                _ => (first..first + length).map(name).collect(),
            })
            .collect(),
    )
}

/// "A", "A and B", "A, B and C".
fn and_list(mut items: Vec<String>) -> String {
    match items.pop() {
        Some(last) if !items.is_empty() => format!("{} and {last}", items.join(", ")),
        last => last.unwrap_or_default(),
    }
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

/// `text` safe inside HTML text and attribute values (for HTML written by hand: e-mails, the
/// printable sheet; Leptos escapes its own).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// "Wed Nov 25, 2:05 PM": when something happened, on the venue's clock.
pub fn short_when<Tz: chrono::TimeZone>(at: chrono::DateTime<Tz>) -> String {
    let local = at.naive_local();
    format!("{}, {}", short_date(local.date()), clock_time(local.time()))
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
    fn a_day_is_said_by_its_distance_from_today() {
        let today = date(2026, 12, 31);
        assert_eq!(days_from(date(2027, 1, 6), today), "6 days from now");
        assert_eq!(days_from(date(2027, 1, 1), today), "tomorrow");
        assert_eq!(days_from(today, today), "today");
        assert_eq!(days_from(date(2026, 12, 30), today), "yesterday");
        assert_eq!(days_from(date(2026, 12, 28), today), "3 days ago");
    }

    #[test]
    fn every_day_of_the_week_is_every_day() {
        use Weekday::*;
        assert_eq!(weekdays(&[Mon, Tue, Wed, Thu, Fri, Sat, Sun]), "every day");
        assert_eq!(weekdays(&[Sun, Sat, Fri, Thu, Wed, Tue, Mon]), "every day");
    }

    #[test]
    fn three_days_or_more_in_a_row_are_a_range() {
        use Weekday::*;
        assert_eq!(weekdays(&[Tue, Wed, Thu, Fri, Sat, Sun]), "Tuesday–Sunday");
        assert_eq!(weekdays(&[Mon, Tue, Wed, Thu, Fri]), "Monday–Friday");
        assert_eq!(weekdays(&[Wed, Thu, Fri]), "Wednesday–Friday");
    }

    #[test]
    fn two_days_in_a_row_are_said_apart() {
        use Weekday::*;
        assert_eq!(weekdays(&[Sat, Sun]), "Saturday and Sunday");
        assert_eq!(weekdays(&[Thu]), "Thursday");
    }

    #[test]
    fn a_gap_lists_each_part_in_the_order_of_the_week() {
        use Weekday::*;
        assert_eq!(weekdays(&[Mon, Tue, Wed, Fri]), "Monday–Wednesday and Friday");
        assert_eq!(weekdays(&[Fri, Wed, Mon]), "Monday, Wednesday and Friday");
        assert_eq!(weekdays(&[Tue, Wed, Thu, Sat]), "Tuesday–Thursday and Saturday");
    }

    #[test]
    fn one_or_two_days_closed_within_the_week_are_said_as_exceptions() {
        use Weekday::*;
        assert_eq!(weekdays(&[Mon, Tue, Wed, Fri, Sat, Sun]), "every day except Thursday");
        assert_eq!(weekdays(&[Mon, Tue, Thu, Fri, Sat]), "every day except Wednesday and Sunday");
        assert_eq!(weekdays(&[Mon, Tue, Wed, Thu, Fri]), "Monday–Friday", "closed at the weekend only");
    }

    #[test]
    fn a_run_across_the_weekend_stays_one_range() {
        use Weekday::*;
        assert_eq!(weekdays(&[Fri, Sat, Sun, Mon]), "Friday–Monday");
        assert_eq!(weekdays(&[Thu, Sat, Sun, Mon]), "Thursday and Saturday–Monday");
        assert_eq!(weekdays(&[Sun, Mon]), "Sunday and Monday");
    }

    #[test]
    fn no_days_say_nothing() {
        assert_eq!(weekdays(&[]), "");
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
