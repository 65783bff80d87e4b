//! Dates and times in JSON, read without chrono's general-purpose parser. The format is
//! chrono's own ("2026-11-25", "10:00:00", "2026-11-25T15:00:00Z"), so APIs see no difference;
//! the point is the browser: chrono's parser would add its weight to every page's WASM.
//! Use with `#[serde(with = "crate::wire::date")]` and friends.
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// Digits at `s[at..at + n]` as a number; `None` if any is not a digit.
fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    s.get(at..at + n)?.iter().try_fold(0u32, |acc, c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
}

/// `YYYY-MM-DD`, the form pages' addresses carry dates in too (`/reserve?date=2026-11-25`).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(b, 0, 4)? as i32, digits(b, 5, 2)?, digits(b, 8, 2)?)
}

/// `HH:MM:SS` with an optional fraction of up to nine digits.
fn parse_time(s: &str) -> Option<NaiveTime> {
    let b = s.as_bytes();
    if b.len() < 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let nanos = match &b[8..] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            digits(fraction, 0, fraction.len())? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    NaiveTime::from_hms_nano_opt(digits(b, 0, 2)?, digits(b, 3, 2)?, digits(b, 6, 2)?, nanos)
}

/// An instant in UTC, as chrono writes it: `…T…Z` (or `+00:00`).
fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    let (date, rest) = s.split_once('T')?;
    let time = rest.strip_suffix('Z').or_else(|| rest.strip_suffix("+00:00"))?;
    Some(parse_date(date)?.and_time(parse_time(time)?).and_utc())
}

macro_rules! wire_format {
    ($module:ident, $type:ty, $parse:ident, $what:literal) => {
        pub mod $module {
            use super::*;
            use serde::{Deserialize, Deserializer, Serialize, Serializer};

            pub fn serialize<S: Serializer>(value: &$type, serializer: S) -> Result<S::Ok, S::Error> {
                value.serialize(serializer)
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<$type, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                $parse(&text).ok_or_else(|| serde::de::Error::custom(concat!("expected ", $what)))
            }

            /// The same for an optional value (`null` when absent).
            pub mod option {
                use super::*;

                pub fn serialize<S: Serializer>(value: &Option<$type>, serializer: S) -> Result<S::Ok, S::Error> {
                    value.serialize(serializer)
                }

                pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<$type>, D::Error> {
                    match <Option<std::borrow::Cow<'de, str>>>::deserialize(deserializer)? {
                        None => Ok(None),
                        Some(text) => {
                            $parse(&text).map(Some).ok_or_else(|| serde::de::Error::custom(concat!("expected ", $what)))
                        }
                    }
                }
            }
        }
    };
}

wire_format!(date, NaiveDate, parse_date, "a date like 2026-11-25");
wire_format!(time, NaiveTime, parse_time, "a time like 10:00:00");
wire_format!(instant, DateTime<Utc>, parse_instant, "a UTC instant like 2026-11-25T15:00:00Z");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn json<T: serde::Serialize>(value: &T) -> String {
        serde_json::to_string(value).unwrap()
    }

    #[test]
    fn malformed_values_are_refused() {
        for bad in ["2026-1-25", "2026-13-01", "2026-02-30", "26-11-25", "2026/11/25", "２026-11-25", ""] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        for bad in ["24:00:00", "10:00", "10:00:00.", "10:00:00.1234567890", "1a:00:00", "10:00:00Z"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        for bad in ["2026-11-25 15:00:00Z", "2026-11-25T15:00:00+01:00", "2026-11-25T15:00:00"] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_unicode_date_or_time_is_answered_without_a_panic(input in any::<String>()) {
            let _ = (parse_date(&input), parse_time(&input), parse_instant(&input));
            let _ = parse_time(&format!("10:00:00{input}"));
        }

        /// Whatever chrono writes, this reads back to the same value.
        #[test]
        fn reads_what_chrono_writes(days in -100_000i64..100_000, nanos in 0u64..86_400_000_000_000) {
            let date = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Duration::days(days);
            let time = NaiveTime::MIN + chrono::Duration::nanoseconds(nanos as i64);
            let whole = NaiveTime::MIN + chrono::Duration::seconds((nanos / 1_000_000_000) as i64);
            let instant = date.and_time(time).and_utc();
            if (0..=9999).contains(&chrono::Datelike::year(&date)) {
                prop_assert_eq!(parse_date(json(&date).trim_matches('"')), Some(date));
                prop_assert_eq!(parse_instant(json(&instant).trim_matches('"')), Some(instant));
            }
            prop_assert_eq!(parse_time(json(&time).trim_matches('"')), Some(time));
            prop_assert_eq!(parse_time(json(&whole).trim_matches('"')), Some(whole));
        }
    }
}
