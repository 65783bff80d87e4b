//! When a venue is open, as its slots say: there is no table of opening hours, the slots that
//! exist are the schedule.
use crate::wording::{time_range, weekdays};
use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};

/// One day a venue opens: its first slot's start to its last slot's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayHours {
    pub date: NaiveDate,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

const WEEK: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

/// "Open Tuesday–Sunday, 10:00 AM–6:00 PM": the weekdays among `days`, each from its earliest
/// opening to its latest closing. Hours most of those weekdays share come first, those of the
/// other weekdays after ("Open Tuesday–Sunday, 10:00 AM–6:00 PM; Thursday, 10:00 AM–9:00 PM").
/// `None` without days: better nothing than "Open never".
pub fn opening_hours(days: &[DayHours]) -> Option<String> {
    let mut spans: [Option<(NaiveTime, NaiveTime)>; 7] = [None; 7];
    for day in days {
        let span = &mut spans[day.date.weekday().num_days_from_monday() as usize];
        *span = Some(match *span {
            Some((opens, closes)) => (opens.min(day.opens), closes.max(day.closes)),
            None => (day.opens, day.closes),
        });
    }
    // The weekdays that share their hours, in the order of the week.
    let mut groups: Vec<((NaiveTime, NaiveTime), Vec<Weekday>)> = Vec::new();
    for (weekday, span) in WEEK.into_iter().zip(spans) {
        let Some(span) = span else { continue };
        match groups.iter_mut().find(|(hours, _)| *hours == span) {
            Some((_, weekdays)) => weekdays.push(weekday),
            None => groups.push((span, vec![weekday])),
        }
    }
    // The hours most weekdays share lead (the week's first such, on a tie).
    let usual = (0..groups.len()).max_by_key(|&i| (groups[i].1.len(), std::cmp::Reverse(i)))?;
    let open: Vec<Weekday> = groups.iter().flat_map(|(_, days)| days.iter().copied()).collect();
    let phrase = |days: &[Weekday], (opens, closes): (NaiveTime, NaiveTime)| {
        format!("{}, {}", weekdays(days), time_range(opens, closes))
    };
    let mut said = vec![phrase(&open, groups[usual].0)];
    let others = groups.iter().enumerate().filter(|(i, _)| *i != usual);
    said.extend(others.map(|(_, (hours, days))| phrase(days, *hours)));
    Some(format!("Open {}", said.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(h: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, 0, 0).unwrap()
    }

    /// The days from Monday 2 November 2026 on, `weeks` weeks long, open on the weekdays
    /// (0 = Monday) of `open` from 10:00 to 18:00.
    fn weeks(weeks: u32, open: &[u32]) -> Vec<DayHours> {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        (0..weeks * 7)
            .filter(|i| open.contains(&(i % 7)))
            .map(|i| DayHours { date: monday + chrono::Duration::days(i.into()), opens: time(10), closes: time(18) })
            .collect()
    }

    #[test]
    fn a_venue_open_every_day_at_the_same_hours_says_so_in_one_phrase() {
        assert_eq!(
            opening_hours(&weeks(4, &[0, 1, 2, 3, 4, 5, 6])).as_deref(),
            Some("Open every day, 10:00 AM–6:00 PM")
        );
    }

    #[test]
    fn consecutive_weekdays_collapse_to_a_range() {
        assert_eq!(
            opening_hours(&weeks(4, &[1, 2, 3, 4, 5, 6])).as_deref(),
            Some("Open Tuesday–Sunday, 10:00 AM–6:00 PM")
        );
    }

    #[test]
    fn a_gap_in_the_week_lists_each_part() {
        assert_eq!(
            opening_hours(&weeks(2, &[0, 1, 2, 4])).as_deref(),
            Some("Open Monday–Wednesday and Friday, 10:00 AM–6:00 PM")
        );
    }

    #[test]
    fn one_closed_day_does_not_close_its_weekday_when_the_other_weeks_open_it() {
        let mut days = weeks(4, &[1, 2, 3, 4, 5, 6]);
        days.retain(|d| d.date != NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        assert_eq!(opening_hours(&days).as_deref(), Some("Open Tuesday–Sunday, 10:00 AM–6:00 PM"));
    }

    #[test]
    fn a_weekday_with_other_hours_is_said_apart() {
        let mut days = weeks(2, &[1, 2, 3, 4, 5, 6]);
        for day in days.iter_mut().filter(|d| d.date.weekday() == Weekday::Thu) {
            day.closes = time(21);
        }
        assert_eq!(
            opening_hours(&days).as_deref(),
            Some("Open Tuesday–Sunday, 10:00 AM–6:00 PM; Thursday, 10:00 AM–9:00 PM")
        );
    }

    #[test]
    fn a_weekday_closed_mid_week_is_said_as_an_exception() {
        assert_eq!(
            opening_hours(&weeks(2, &[0, 1, 2, 4, 5, 6])).as_deref(),
            Some("Open every day except Thursday, 10:00 AM–6:00 PM")
        );
    }

    #[test]
    fn the_hours_most_days_share_come_first() {
        let mut days = weeks(1, &[0, 1, 2, 3, 4, 5, 6]);
        for day in days.iter_mut().filter(|d| d.date.weekday() != Weekday::Sun) {
            day.opens = time(9);
        }
        assert_eq!(opening_hours(&days).as_deref(), Some("Open every day, 9:00 AM–6:00 PM; Sunday, 10:00 AM–6:00 PM"));
    }

    #[test]
    fn a_weekday_spans_its_earliest_opening_to_its_latest_closing() {
        let mut days = weeks(2, &[5]);
        days[0].opens = time(9);
        days[1].closes = time(20);
        assert_eq!(opening_hours(&days).as_deref(), Some("Open Saturday, 9:00 AM–8:00 PM"));
    }

    #[test]
    fn no_slots_say_nothing_rather_than_open_never() {
        assert_eq!(opening_hours(&[]), None);
    }
}
