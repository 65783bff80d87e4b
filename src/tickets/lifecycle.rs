//! The ticket lifecycle as a state machine. Every status change Gatehouse writes is a [`Move`],
//! built from [`TicketStatus::transition`] at compile time, and the conditional UPDATEs take
//! their from and to states from it: a transition the rules do not allow cannot be written.
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TicketStatus {
    PendingPayment,
    Activated,
    Reserved,
    Verified,
    Expired,
}

/// What happens to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketEvent {
    PaymentConfirmed,
    Reserve,
    /// Moving a reservation to another slot keeps the ticket RESERVED.
    Reschedule,
    /// Cancelling the reservation hands the entitlement back.
    CancelReservation,
    Admit,
    /// The reserved slot ended without admission, or the ticket's validity ran out.
    Expire,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {from} ticket cannot {event:?}")]
pub struct TransitionError {
    pub from: TicketStatus,
    pub event: TicketEvent,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 5] =
        [Self::PendingPayment, Self::Activated, Self::Reserved, Self::Verified, Self::Expired];

    pub const fn transition(self, event: TicketEvent) -> Result<TicketStatus, TransitionError> {
        use TicketEvent::*;
        use TicketStatus::*;
        match (self, event) {
            (PendingPayment, PaymentConfirmed) => Ok(Activated),
            (Activated, Reserve) => Ok(Reserved),
            (Reserved, Reschedule) => Ok(Reserved),
            (Reserved, CancelReservation) => Ok(Activated),
            (Reserved, Admit) => Ok(Verified),
            (Reserved | Activated, Expire) => Ok(Expired),
            (from, event) => Err(TransitionError { from, event }),
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PendingPayment => "PENDING_PAYMENT",
            Self::Activated => "ACTIVATED",
            Self::Reserved => "RESERVED",
            Self::Verified => "VERIFIED",
            Self::Expired => "EXPIRED",
        }
    }
}

impl fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TicketStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| format!("unknown ticket status {s}"))
    }
}

/// A status change the lifecycle allows. Built in a `const`, a forbidden one does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub from: TicketStatus,
    pub to: TicketStatus,
}

impl Move {
    pub const fn of(from: TicketStatus, event: TicketEvent) -> Move {
        match from.transition(event) {
            Ok(to) => Move { from, to },
            Err(_) => panic!("the ticket lifecycle forbids this move"),
        }
    }
}

/// The moves Gatehouse writes.
pub mod moves {
    use super::Move;
    use super::TicketEvent::*;
    use super::TicketStatus::*;

    pub const PAY: Move = Move::of(PendingPayment, PaymentConfirmed);
    pub const RESERVE: Move = Move::of(Activated, Reserve);
    pub const CANCEL: Move = Move::of(Reserved, CancelReservation);
    pub const ADMIT: Move = Move::of(Reserved, Admit);
    /// A reserved visit that ended without admission.
    pub const EXPIRE_UNUSED: Move = Move::of(Reserved, Expire);
}

#[cfg(feature = "ssr")]
crate::stored_as_text!(TicketStatus);

#[cfg(test)]
mod tests {
    use super::TicketEvent::*;
    use super::TicketStatus::*;
    use super::*;

    const EVENTS: [TicketEvent; 6] = [PaymentConfirmed, Reserve, Reschedule, CancelReservation, Admit, Expire];

    #[test]
    fn every_state_and_event_pair_has_exactly_the_documented_outcome() {
        let allowed = [
            (PendingPayment, PaymentConfirmed, Activated),
            (Activated, Reserve, Reserved),
            (Activated, Expire, Expired),
            (Reserved, Reschedule, Reserved),
            (Reserved, CancelReservation, Activated),
            (Reserved, Admit, Verified),
            (Reserved, Expire, Expired),
        ];
        for from in TicketStatus::ALL {
            for event in EVENTS {
                let expected = allowed.iter().find(|(f, e, _)| *f == from && *e == event).map(|(_, _, to)| *to);
                match expected {
                    Some(to) => assert_eq!(from.transition(event), Ok(to), "{from} + {event:?}"),
                    None => {
                        assert_eq!(from.transition(event), Err(TransitionError { from, event }), "{from} + {event:?}")
                    }
                }
            }
        }
    }

    #[test]
    fn verified_and_expired_are_final() {
        for event in EVENTS {
            assert!(Verified.transition(event).is_err());
            assert!(Expired.transition(event).is_err());
        }
    }

    #[test]
    fn a_pending_ticket_cannot_be_reserved_before_payment() {
        assert!(PendingPayment.transition(Reserve).is_err());
    }

    #[test]
    fn every_move_written_is_one_the_lifecycle_allows() {
        for m in [moves::PAY, moves::RESERVE, moves::CANCEL, moves::ADMIT, moves::EXPIRE_UNUSED] {
            assert!(EVENTS.iter().any(|&e| m.from.transition(e) == Ok(m.to)), "{m:?}");
        }
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in TicketStatus::ALL {
            assert_eq!(s.as_str().parse::<TicketStatus>(), Ok(s));
        }
        assert!("reserved".parse::<TicketStatus>().is_err());
    }
}
