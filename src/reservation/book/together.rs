//! The bookings of one batch for one slot, applied set-wise on PostgreSQL.
//!
//! Why: booking one at a time, a batch locks the slot's row at its first seat and holds it
//! through four statements per booking until its commit, while the other instances' batches
//! wait on the row (issue 16: p99 near a second at 400 clients on two instances). Here the row
//! is locked by one statement that takes every seat the batch can have, and held through three
//! more statements for the whole group.
//!
//! The rules stay conditional: the tickets are checked first (a read, no lock), the seats are
//! taken only as far as the slot has them, a ticket another instance booked meanwhile gives its
//! seat to the next booking in line or back to the slot, and a ticket asked for twice in one
//! batch is booked once.
use super::{Book, Confirmed};
use crate::ids::{OrgId, ReservationId, TicketId};
use crate::notify::{self, kind::Kind};
use crate::slots::seats::{FREE_SEATS, TAKE_SEATS};
use crate::slots::SlotTimes;
use crate::tickets::lifecycle::moves::RESERVE;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::PgConnection;
use std::collections::{HashMap, HashSet};

/// Of bookings `$1` codes, `$2` claimed ids, `$3` e-mails, `$4` instants, `$5` instants since
/// which a confirmation counts, those (1-based) that slot `$6` can take: the seat statement's
/// conditions but the count, read without locking anything.
const ELIGIBLE: &str = concat!(
    "SELECT b.i FROM unnest($1::text[], $2::int8[], $3::text[], $4::timestamptz[], $5::timestamptz[])
                     WITH ORDINALITY AS b(code, claimed, email, now, since, i)
     JOIN reservation_slots ON reservation_slots.id = $6 AND reservation_slots.status <> 'CLOSED'
                           AND reservation_slots.starts_at > b.now
     WHERE ",
    ticket_can_book!("b.code", "b.claimed", "$7", "b.email", "b.since"),
    " ORDER BY b.i"
);

/// Tickets `$2` (codes) → RESERVED for contacts `$3`, `$4` at `$5`, still conditioned: another
/// instance may have booked one meanwhile. Answers each booked one's position `$6`.
const RESERVE_TICKETS: &str = "
    UPDATE tickets t SET status = $1, reserved_at = b.now, customer_email = b.email, customer_phone = b.phone
    FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int8[]) AS b(code, email, phone, now, i)
    WHERE t.ticket_code = b.code AND t.status = $7 AND t.orq = (SELECT orq FROM reservation_slots WHERE id = $8)
    RETURNING b.i, t.id, t.ticket_code, t.orq";

const INSERT_RESERVATIONS: &str = "
    INSERT INTO ticket_reservations (ticket_id, slot_id, customer_email, customer_phone, reserved_at,
                                     status, orq, created_at, updated_at, manage_hash)
    SELECT b.ticket_id, $1, b.email, b.phone, b.now, 'RESERVED', b.orq, b.now, b.now, b.hash
    FROM unnest($2::int8[], $3::text[], $4::text[], $5::timestamptz[], $6::int8[], $7::text[])
         AS b(ticket_id, email, phone, now, orq, hash)
    RETURNING id, ticket_id";

/// [`notify::queue::FOR_RESERVATION`] for reservations `$1` with keys `$2`, secrets `$4` and
/// instants `$5`.
const OUTBOX_ROWS: &str = "
    INSERT INTO outbox (orq, message_key, kind, channel, recipient, reservation_id, slot_id, secret, due_at, created_at)
    SELECT r.orq, m.message_key || '-' || c.channel, $3, c.channel,
           CASE WHEN c.channel = 'email' THEN r.customer_email ELSE r.customer_phone END,
           r.id, r.slot_id, m.secret, m.now, m.now
    FROM unnest($1::int8[], $2::text[], $4::text[], $5::timestamptz[]) AS m(id, message_key, secret, now)
    JOIN ticket_reservations r ON r.id = m.id
    CROSS JOIN (SELECT 'email' AS channel UNION ALL SELECT 'sms' AS channel) c
    WHERE c.channel = 'email' OR ($6 AND r.customer_phone <> '')
    ON CONFLICT (message_key) DO NOTHING";

/// A booked ticket: the booking's position in the group, and the ticket.
struct Won {
    at: usize,
    ticket_id: TicketId,
    ticket_code: String,
    orq: OrgId,
}

/// Applies `writes`, all for one slot: an answer for each, `None` where a rule refused it.
pub(super) async fn book(writes: &[&Book], conn: &mut PgConnection) -> Result<Vec<Option<Confirmed>>, sqlx::Error> {
    let mut answers: Vec<Option<Confirmed>> = writes.iter().map(|_| None).collect();
    let line = eligible(writes, conn).await?;
    let Some(latest) = line.iter().map(|&at| writes[at].now).max() else { return Ok(answers) };
    let slot_id = writes[0].booking.slot_id;
    // The latest instant of the group: a slot that has started by then takes none of them.
    let seats: Option<(i64, NaiveDate, NaiveTime, NaiveTime)> = sqlx::query_as(TAKE_SEATS)
        .bind(slot_id)
        .bind(latest)
        .bind(line.len() as i64)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((seats, date, start_time, end_time)) = seats else { return Ok(answers) };
    let seats = usize::try_from(seats).unwrap_or(0);
    let mut won: Vec<Won> = Vec::with_capacity(seats);
    let mut next = 0;
    while won.len() < seats && next < line.len() {
        let turn = &line[next..line.len().min(next + seats - won.len())];
        next += turn.len();
        won.extend(reserve_tickets(writes, turn, conn).await?);
    }
    if won.len() < seats {
        sqlx::query(FREE_SEATS).bind(slot_id).bind(latest).bind((seats - won.len()) as i64).execute(&mut *conn).await?;
    }
    if won.is_empty() {
        return Ok(answers);
    }
    let reservations = insert_reservations(writes, &won, conn).await?;
    queue_messages(writes, &won, &reservations, conn).await?;
    let slot = SlotTimes { slot_id, date, start_time, end_time };
    for w in won {
        let reservation_id = *reservations.get(&w.ticket_id).ok_or_else(lost)?;
        answers[w.at] = Some(Confirmed {
            reservation_id,
            ticket_id: w.ticket_id,
            ticket_code: w.ticket_code,
            slot: slot.clone(),
            manage_token: String::new(),
        });
    }
    Ok(answers)
}

/// The positions of the bookings the slot could take, in order, each ticket once (its first).
async fn eligible(writes: &[&Book], conn: &mut PgConnection) -> Result<Vec<usize>, sqlx::Error> {
    let codes: Vec<&str> = writes.iter().map(|w| w.booking.ticket.as_str()).collect();
    let claimed: Vec<Option<i64>> = writes.iter().map(|w| w.booking.claimed_id.map(|id| id.0)).collect();
    let emails: Vec<&str> = writes.iter().map(|w| w.booking.email.as_str()).collect();
    let nows: Vec<DateTime<Utc>> = writes.iter().map(|w| w.now).collect();
    let since: Vec<DateTime<Utc>> = nows.iter().map(|now| *now - crate::reservation::verify::CONFIRMED_FOR).collect();
    let found: Vec<(i64,)> = sqlx::query_as(ELIGIBLE)
        .bind(codes)
        .bind(claimed)
        .bind(emails)
        .bind(&nows)
        .bind(since)
        .bind(writes[0].booking.slot_id)
        .bind(RESERVE.from)
        .fetch_all(&mut *conn)
        .await?;
    let mut seen = HashSet::new();
    Ok(found
        .into_iter()
        .filter_map(|(i,)| usize::try_from(i - 1).ok())
        .filter(|&at| at < writes.len() && seen.insert(writes[at].booking.ticket.as_str()))
        .collect())
}

/// The tickets of bookings `turn` → RESERVED, where still ACTIVATED: those booked.
async fn reserve_tickets(writes: &[&Book], turn: &[usize], conn: &mut PgConnection) -> Result<Vec<Won>, sqlx::Error> {
    let pick =
        |f: &dyn Fn(&Book) -> &str| -> Vec<String> { turn.iter().map(|&at| f(writes[at]).to_string()).collect() };
    let nows: Vec<DateTime<Utc>> = turn.iter().map(|&at| writes[at].now).collect();
    let positions: Vec<i64> = turn.iter().map(|&at| at as i64).collect();
    let booked: Vec<(i64, TicketId, String, OrgId)> = sqlx::query_as(RESERVE_TICKETS)
        .bind(RESERVE.to)
        .bind(pick(&|w| w.booking.ticket.as_str()))
        .bind(pick(&|w| w.booking.email.as_str()))
        .bind(pick(&|w| w.booking.phone.as_str()))
        .bind(nows)
        .bind(positions)
        .bind(RESERVE.from)
        .bind(writes[0].booking.slot_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(booked
        .into_iter()
        .filter_map(|(at, ticket_id, ticket_code, orq)| {
            let at = usize::try_from(at).ok().filter(|at| *at < writes.len())?;
            Some(Won { at, ticket_id, ticket_code, orq })
        })
        .collect())
}

/// A reservation for each booked ticket: their ids by ticket.
async fn insert_reservations(
    writes: &[&Book],
    won: &[Won],
    conn: &mut PgConnection,
) -> Result<HashMap<TicketId, ReservationId>, sqlx::Error> {
    let rows: Vec<(ReservationId, TicketId)> = sqlx::query_as(INSERT_RESERVATIONS)
        .bind(writes[0].booking.slot_id)
        .bind(won.iter().map(|w| w.ticket_id.0).collect::<Vec<_>>())
        .bind(won.iter().map(|w| writes[w.at].booking.email.as_str()).collect::<Vec<_>>())
        .bind(won.iter().map(|w| writes[w.at].booking.phone.as_str()).collect::<Vec<_>>())
        .bind(won.iter().map(|w| writes[w.at].now).collect::<Vec<_>>())
        .bind(won.iter().map(|w| w.orq.0).collect::<Vec<_>>())
        .bind(won.iter().map(|w| writes[w.at].manage_hash.as_str()).collect::<Vec<_>>())
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().map(|(reservation_id, ticket_id)| (ticket_id, reservation_id)).collect())
}

/// Each new reservation's confirmation, in the outbox in the same transaction.
async fn queue_messages(
    writes: &[&Book],
    won: &[Won],
    reservations: &HashMap<TicketId, ReservationId>,
    conn: &mut PgConnection,
) -> Result<(), sqlx::Error> {
    let slot_id = writes[0].booking.slot_id;
    let mut ids = Vec::with_capacity(won.len());
    let mut keys = Vec::with_capacity(won.len());
    for w in won {
        let reservation_id = *reservations.get(&w.ticket_id).ok_or_else(lost)?;
        ids.push(reservation_id.0);
        keys.push(notify::queue::reservation_key(Kind::Booked, reservation_id, slot_id, None));
    }
    sqlx::query(OUTBOX_ROWS)
        .bind(ids)
        .bind(keys)
        .bind(Kind::Booked)
        .bind(won.iter().map(|w| writes[w.at].manage_token.as_str()).collect::<Vec<_>>())
        .bind(won.iter().map(|w| writes[w.at].now).collect::<Vec<_>>())
        .bind(Kind::Booked.texts())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A booked ticket without its reservation row: a bug, failing the batch.
fn lost() -> sqlx::Error {
    sqlx::Error::Protocol("a booked ticket has no reservation row".into())
}
