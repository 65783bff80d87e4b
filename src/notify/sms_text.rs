//! What an SMS body costs: GSM-7 text (GSM 03.38) fits 160 characters in one segment, anything
//! else is sent as UCS-2 and fits 70. One typographic apostrophe turns a whole message into UCS-2,
//! so text meant for SMS goes through `to_gsm7` first.

/// The GSM 03.38 default alphabet: one septet each.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                     ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The extension table: an escape septet and one more, so two each. (U+000C is its form feed.)
const EXTENSION: &str = "\u{c}^{}\\[~]|€";

const GSM7_SINGLE: u32 = 160;
/// A concatenated message's user-data header leaves 153 septets per segment.
const GSM7_PART: u32 = 153;
const UCS2_SINGLE: u32 = 70;
const UCS2_PART: u32 = 67;

/// Whether every character of `text` is in the GSM-7 basic set or its extension table.
pub fn is_gsm7(text: &str) -> bool {
    text.chars().all(|c| gsm7_septets(c).is_some())
}

fn gsm7_septets(c: char) -> Option<u32> {
    if BASIC.contains(c) {
        Some(1)
    } else if EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Replaces the typographic characters that templates and editors produce with GSM-7 ones that
/// read the same (curly quotes, dashes, the ellipsis, non-breaking spaces). Everything else is
/// kept, so a message in a script GSM-7 lacks stays readable (and is sent as UCS-2).
pub fn to_gsm7(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => out.push('\''),
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => out.push('"'),
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => out.push('-'),
            '\u{2026}' => out.push_str("..."),
            '\u{A0}' | '\u{2007}' | '\u{202F}' => out.push(' '),
            other => out.push(other),
        }
    }
    out
}

/// How many SMS segments `text` is sent as (an empty body still costs one). A character of the
/// extension table is never split from its escape, nor a UTF-16 surrogate pair from its mate, so
/// a segment may end a unit short.
pub fn segments(text: &str) -> u32 {
    let septets: Option<Vec<u32>> = text.chars().map(gsm7_septets).collect();
    let (units, single, part) = match septets {
        Some(septets) => (septets, GSM7_SINGLE, GSM7_PART),
        None => (text.chars().map(|c| c.len_utf16() as u32).collect(), UCS2_SINGLE, UCS2_PART),
    };
    if units.iter().sum::<u32>() <= single {
        return 1;
    }
    let (mut count, mut used) = (1, 0);
    for unit in units {
        if used + unit > part {
            count += 1;
            used = 0;
        }
        used += unit;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_basic_set_and_extension_table_are_gsm7() {
        assert!(is_gsm7(BASIC));
        assert!(is_gsm7(EXTENSION));
        assert!(is_gsm7("Ihr Besuch am 5.12. um 10:30 - Café, 5 € [Tor 2] {ok} ~^|\\"));
    }

    #[test]
    fn typographic_quotes_lower_case_c_cedilla_and_emoji_are_not_gsm7() {
        for text in ["it’s", "“quoted”", "ça", "🎟", "Straße – Tor", "…"] {
            assert!(!is_gsm7(text), "{text}");
        }
    }

    #[test]
    fn typographic_characters_become_their_plain_gsm7_lookalikes() {
        let text = "It’s ‘today’: “Tour” 10–11 — see you…\u{a0}5\u{202f}€";
        let plain = to_gsm7(text);
        assert_eq!(plain, "It's 'today': \"Tour\" 10-11 - see you... 5 €");
        assert!(is_gsm7(&plain));
    }

    proptest::proptest! {
        /// Whatever mix of GSM-7 and the typographic characters a template holds comes out GSM-7.
        #[test]
        fn gsm7_with_typographic_characters_becomes_gsm7(
            text in "[a-zA-Z0-9 .,:;!?@£$¥èéùìòÇØøÅåÄÖÑÜäöñüà€\\[\\]{}~^|\n’‘“”–—…\u{a0}\u{202f}]*"
        ) {
            let plain = to_gsm7(&text);
            proptest::prop_assert!(is_gsm7(&plain), "{:?} became {:?}", text, plain);
        }

        #[test]
        fn any_text_has_at_least_one_segment_and_at_most_one_per_character(text in ".*") {
            let count = segments(&text);
            proptest::prop_assert!(count >= 1 && count as usize <= text.chars().count().max(1));
        }
    }

    #[test]
    fn characters_without_a_lookalike_are_kept() {
        assert_eq!(to_gsm7("Zoë ça 東京 🎟"), "Zoë ça 東京 🎟");
    }

    #[test]
    fn a_gsm7_text_of_160_characters_is_one_segment_and_161_are_two() {
        assert_eq!(segments(""), 1);
        assert_eq!(segments(&"a".repeat(160)), 1);
        assert_eq!(segments(&"a".repeat(161)), 2);
        assert_eq!(segments(&"a".repeat(306)), 2);
        assert_eq!(segments(&"a".repeat(307)), 3);
    }

    #[test]
    fn extension_characters_count_twice() {
        assert_eq!(segments(&"€".repeat(80)), 1);
        assert_eq!(segments(&"€".repeat(81)), 2);
        assert_eq!(segments(&format!("{}€", "a".repeat(158))), 1);
        assert_eq!(segments(&format!("{}€", "a".repeat(159))), 2);
    }

    #[test]
    fn an_escape_is_never_split_from_its_character_across_segments() {
        // 152 septets, then a two-septet euro that does not fit the first segment's 153.
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(10));
        assert_eq!(segments(&text), 2);
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(segments(&text), 3);
    }

    #[test]
    fn one_character_outside_gsm7_makes_the_whole_text_ucs2() {
        assert_eq!(segments(&format!("{}’", "a".repeat(69))), 1);
        assert_eq!(segments(&format!("{}’", "a".repeat(70))), 2);
        assert_eq!(segments(&"ç".repeat(134)), 2);
        assert_eq!(segments(&"ç".repeat(135)), 3);
    }

    #[test]
    fn an_emoji_takes_two_ucs2_units() {
        assert_eq!(segments(&"🎟".repeat(35)), 1);
        assert_eq!(segments(&"🎟".repeat(36)), 2);
        // 66 units, then a pair that does not fit the first segment's 67.
        assert_eq!(segments(&format!("{}🎟{}", "ç".repeat(66), "ç".repeat(10))), 2);
        assert_eq!(segments(&format!("{}🎟{}", "ç".repeat(66), "ç".repeat(66))), 3);
    }
}
