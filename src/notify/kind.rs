//! What a message is about, which channels carry it, and where it stands in the outbox.
use serde::{Deserialize, Serialize};

/// The events that send a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// A visit booked: the ticket's QR code, the calendar file and the management link.
    Booked,
    /// A visit moved to another time.
    Moved,
    Cancelled,
    /// The day before (24 hours ahead), when the visit was booked before then.
    Reminder24h,
    /// Two hours ahead, when the visit was booked before then.
    Reminder2h,
    /// A new management link, asked for from the ticket's page.
    ManageLink,
    /// A pickup order placed.
    OrderPlaced,
    /// A pickup order ready at the counter.
    OrderReady,
    /// A pickup order cancelled by the shop or its customer.
    OrderCancelled,
    /// The code that confirms a visitor's e-mail address before booking.
    VerificationCode,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Booked,
        Kind::Moved,
        Kind::Cancelled,
        Kind::Reminder24h,
        Kind::Reminder2h,
        Kind::ManageLink,
        Kind::OrderPlaced,
        Kind::OrderReady,
        Kind::OrderCancelled,
        Kind::VerificationCode,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Booked => "booked",
            Kind::Moved => "moved",
            Kind::Cancelled => "cancelled",
            Kind::Reminder24h => "reminder_24h",
            Kind::Reminder2h => "reminder_2h",
            Kind::ManageLink => "manage_link",
            Kind::OrderPlaced => "order_placed",
            Kind::OrderReady => "order_ready",
            Kind::OrderCancelled => "order_cancelled",
            Kind::VerificationCode => "verification_code",
        }
    }

    /// For people: the dashboard's list of messages.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Booked => "Booking confirmation",
            Kind::Moved => "Visit moved",
            Kind::Cancelled => "Visit cancelled",
            Kind::Reminder24h => "Reminder, a day ahead",
            Kind::Reminder2h => "Reminder, two hours ahead",
            Kind::ManageLink => "Management link",
            Kind::OrderPlaced => "Pickup order placed",
            Kind::OrderReady => "Pickup order ready",
            Kind::OrderCancelled => "Pickup order cancelled",
            Kind::VerificationCode => "Verification code",
        }
    }

    /// Whether a text message goes too, to a phone on file. E-mail carries every message (the
    /// QR code, the calendar file); a text goes where it is read in time: the day's reminder,
    /// an order ready, a cancellation, the booking itself, and a verification code (PRD §4.2.2:
    /// to e-mail and phone).
    pub fn texts(self) -> bool {
        !matches!(self, Kind::Moved | Kind::Reminder24h | Kind::ManageLink | Kind::OrderPlaced)
    }

    /// Whether it is about a shop order rather than a visit.
    pub fn is_order(self) -> bool {
        matches!(self, Kind::OrderPlaced | Kind::OrderReady | Kind::OrderCancelled)
    }
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| format!("unknown message kind '{s}'"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Email => "E-mail",
            Channel::Sms => "Text message",
        }
    }
}

impl std::str::FromStr for Channel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "email" => Ok(Channel::Email),
            "sms" => Ok(Channel::Sms),
            _ => Err(format!("unknown channel '{s}'")),
        }
    }
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Delivery {
    /// Waiting for its time or for a worker (also between retries).
    Pending,
    Sent,
    /// Given up: a permanent refusal, or every retry used. An admin can retry it.
    Failed,
    /// Not sent because it no longer applied (a reminder for a visit cancelled meanwhile).
    Skipped,
}

impl Delivery {
    pub const ALL: [Delivery; 4] = [Delivery::Pending, Delivery::Sent, Delivery::Failed, Delivery::Skipped];

    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Pending => "PENDING",
            Delivery::Sent => "SENT",
            Delivery::Failed => "FAILED",
            Delivery::Skipped => "SKIPPED",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Delivery::Pending => "Waiting",
            Delivery::Sent => "Sent",
            Delivery::Failed => "Failed",
            Delivery::Skipped => "Skipped",
        }
    }
}

impl std::str::FromStr for Delivery {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Delivery::ALL.into_iter().find(|d| d.as_str() == s).ok_or_else(|| format!("unknown delivery status '{s}'"))
    }
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(Kind);
#[cfg(feature = "ssr")]
crate::stored_as_text!(Channel);
#[cfg(feature = "ssr")]
crate::stored_as_text!(Delivery);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_stored_name() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>(), Ok(kind));
        }
        assert!("reminder".parse::<Kind>().is_err());
    }

    #[test]
    fn every_delivery_status_reads_back_from_its_stored_name() {
        for d in Delivery::ALL {
            assert_eq!(d.as_str().parse::<Delivery>(), Ok(d));
        }
    }

    #[test]
    fn the_booking_is_texted_but_the_day_ahead_reminder_is_not() {
        assert!(Kind::Booked.texts());
        assert!(Kind::Reminder2h.texts());
        assert!(!Kind::Reminder24h.texts());
    }
}
