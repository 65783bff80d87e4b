//! Contact details a visitor typed that the server refused. A form posted without JavaScript is
//! answered by a redirect, and the page it leads to would start empty; rather than put what was
//! typed in the address (where it would be logged and could be forged into a link), it waits in a
//! short-lived cookie that only this ticket's contact step reads, and that saving clears.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContactDraft {
    pub email: String,
    pub phone: String,
    pub country: String,
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::ContactDraft;
    use crate::cookies::ssr as cookies;

    const NAME: &str = "gatehouse_contact_draft";
    /// Only the booking page reads it.
    const PATH: &str = "/reserve";
    /// Long enough to read the error and fix the field, short enough not to linger.
    const MAX_AGE_SECONDS: u32 = 600;
    /// More than any real address or number; a cookie has room for about 4 KB.
    const FIELD_LIMIT: usize = 320;

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Stored {
        ticket: String,
        draft: ContactDraft,
    }

    pub fn remember(ticket: &str, draft: ContactDraft) {
        let cut = |s: String| s.chars().take(FIELD_LIMIT).collect::<String>();
        let draft = ContactDraft { email: cut(draft.email), phone: cut(draft.phone), country: cut(draft.country) };
        let json = serde_json::to_vec(&Stored { ticket: ticket.to_string(), draft }).unwrap_or_default();
        cookies::set(NAME, &hex(&json), PATH, MAX_AGE_SECONDS);
    }

    pub fn forget() {
        cookies::set(NAME, "", PATH, 0);
    }

    /// The draft left for this ticket, if the request carries one.
    pub fn recall(ticket: &str) -> Option<ContactDraft> {
        let stored: Stored = serde_json::from_slice(&unhex(&cookies::read(NAME)?)?).ok()?;
        (stored.ticket == ticket).then_some(stored.draft)
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn unhex(s: &str) -> Option<Vec<u8>> {
        if !s.len().is_multiple_of(2) || !s.is_ascii() {
            return None;
        }
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn hex_reads_back_what_it_wrote_and_refuses_anything_else() {
            let bytes = "é@x.org +1 (202)".as_bytes();
            assert_eq!(unhex(&hex(bytes)).as_deref(), Some(bytes));
            for bad in ["abc", "zz", "é1"] {
                assert_eq!(unhex(bad), None, "{bad}");
            }
        }
    }
}
