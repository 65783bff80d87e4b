//! The audit log: every change staff make to the calendar, tickets and settings, with who made
//! it, what it touched, the state before and after, and when. An entry is written in the same
//! transaction as the change it describes, so the log never claims a change that was rolled back
//! and never misses one that was committed.
use crate::ids::UserId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[cfg(feature = "ssr")]
pub mod filter;
#[cfg(feature = "ssr")]
mod store;
#[cfg(feature = "ssr")]
pub use store::{actions_in_use, list, record};

/// What was done. Stored by its name (`as_str`); a new kind of change is a new variant here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    SlotCapacity,
    SlotClosed,
    SlotReopened,
    SlotsGenerated,
    SlotsBulkEdited,
    TicketsIssued,
    TicketsImported,
    TicketPaid,
    SigningKeyRotated,
    SigningKeyRetired,
    StaffNetworks,
    ContactVerification,
    MessageRetried,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::SlotCapacity,
        Action::SlotClosed,
        Action::SlotReopened,
        Action::SlotsGenerated,
        Action::SlotsBulkEdited,
        Action::TicketsIssued,
        Action::TicketsImported,
        Action::TicketPaid,
        Action::SigningKeyRotated,
        Action::SigningKeyRetired,
        Action::StaffNetworks,
        Action::ContactVerification,
        Action::MessageRetried,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::SlotCapacity => "slot.capacity",
            Action::SlotClosed => "slot.closed",
            Action::SlotReopened => "slot.reopened",
            Action::SlotsGenerated => "slots.generated",
            Action::SlotsBulkEdited => "slots.bulk_edited",
            Action::TicketsIssued => "tickets.issued",
            Action::TicketsImported => "tickets.imported",
            Action::TicketPaid => "ticket.paid",
            Action::SigningKeyRotated => "signing_key.rotated",
            Action::SigningKeyRetired => "signing_key.retired",
            Action::StaffNetworks => "org.staff_networks",
            Action::ContactVerification => "org.contact_verification",
            Action::MessageRetried => "message.retried",
        }
    }

    /// As the dashboard names it.
    pub fn label(self) -> &'static str {
        match self {
            Action::SlotCapacity => "Slot capacity changed",
            Action::SlotClosed => "Slot closed",
            Action::SlotReopened => "Slot reopened",
            Action::SlotsGenerated => "Slots generated from rules",
            Action::SlotsBulkEdited => "Slots edited in bulk",
            Action::TicketsIssued => "Tickets issued",
            Action::TicketsImported => "Tickets imported",
            Action::TicketPaid => "Order marked paid",
            Action::SigningKeyRotated => "Signing key rotated",
            Action::SigningKeyRetired => "Signing key retired",
            Action::StaffNetworks => "Staff networks changed",
            Action::ContactVerification => "Contact verification turned on or off",
            Action::MessageRetried => "Failed message tried again",
        }
    }

    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

/// The thing a change touched, as a key the log can be searched by (a ticket's history finds its
/// entries by `Subject::Ticket`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subject {
    Slot(i64),
    Ticket(String),
    Order(i64),
    /// Several at once (a date range of slots, a batch of tickets): what the summary says.
    Many,
    Organization,
    SigningKey(i64),
    /// An outbox message.
    Message(i64),
}

impl Subject {
    pub fn key(&self) -> String {
        match self {
            Subject::Slot(id) => format!("slot:{id}"),
            Subject::Ticket(code) => format!("ticket:{code}"),
            Subject::Order(id) => format!("order:{id}"),
            Subject::Many => "many".to_string(),
            Subject::Organization => "organization".to_string(),
            Subject::SigningKey(id) => format!("signing_key:{id}"),
            Subject::Message(id) => format!("message:{id}"),
        }
    }
}

/// One change, as a domain write hands it to `record` inside its transaction.
#[derive(Debug, Clone)]
pub struct Change {
    /// `None` for a change made from the command line.
    pub actor: Option<UserId>,
    pub action: Action,
    pub subject: Subject,
    /// One line a person reads in the log: "capacity 200 → 150 on Sat 5 Dec 10:00".
    pub summary: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// An entry as the dashboard shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The staff member's display name, or "command line".
    pub actor: String,
    pub action: Action,
    pub subject: String,
    pub summary: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Which entries to list, newest first. Every field narrows; none lists everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    pub action: Option<Action>,
    pub actor: Option<UserId>,
    /// An exact subject key (`Subject::key`).
    pub subject: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Entries older than this id: the next page.
    pub before_id: Option<i64>,
}

/// Entries a page shows at most.
pub const PAGE: i64 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_stored_name() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert_eq!(Action::parse("slot.deleted"), None);
    }

    #[test]
    fn subjects_have_distinct_keys() {
        assert_eq!(Subject::Slot(7).key(), "slot:7");
        assert_eq!(Subject::Ticket("GH26-ABCD".into()).key(), "ticket:GH26-ABCD");
        assert_ne!(Subject::Order(7).key(), Subject::Slot(7).key());
    }
}
