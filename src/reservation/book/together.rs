//! The bookings of one batch, applied set-wise on PostgreSQL.
//!
//! Why: booking one at a time, a batch locks each slot's row at its first seat and holds it
//! through four statements per booking, its own and those of every booking after it, until its
//! commit, while the other instances' batches wait on the row (issue 16: p99 near a second at 400
//! clients on two instances, hot slot or spread). Here every slot of the batch is locked by one
//! statement that takes all the seats the batch can have, in slot order, and held through three
//! more statements for the whole batch.
//!
//! The rules stay conditional: the tickets are checked first (a read, no lock), the seats are
//! taken only as far as each slot has them, a ticket another instance booked meanwhile gives its
//! seat to the next booking in line for that slot or back to the slot, and a ticket asked for
//! twice in one batch (one slot or two) is booked once.
use super::{Book, Confirmed};
use crate::ids::{OrgId, ReservationId, SlotId, TicketId};
use crate::notify::{self, kind::Kind};
use crate::slots::seats::{FREE_SEATS, TAKE_SEATS};
use crate::slots::SlotTimes;
use crate::tickets::lifecycle::moves::RESERVE;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sqlx::PgConnection;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// Of bookings `$1` codes, `$2` claimed ids, `$3` e-mails, `$4` instants, `$5` instants since
/// which a confirmation counts, `$6` slots, those (1-based) that their slot can take: the seat
/// statement's conditions but the count, read without locking anything.
const ELIGIBLE: &str = concat!(
    "SELECT b.i FROM unnest($1::text[], $2::int8[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int8[])
                     WITH ORDINALITY AS b(code, claimed, email, now, since, slot, i)
     JOIN reservation_slots ON reservation_slots.id = b.slot AND ",
    crate::open_at!("b.now"),
    "
     WHERE ",
    ticket_can_book!("b.code", "b.claimed", "$7", "b.email", "b.since"),
    " ORDER BY b.i"
);

/// Tickets `$2` (codes) → RESERVED for contacts `$3`, `$4` at `$5`, each only for a slot `$7` of
/// its organization and still conditioned: another instance may have booked one meanwhile.
/// Answers each booked one's position `$6`.
const RESERVE_TICKETS: &str = "
    UPDATE tickets t SET status = $1, reserved_at = b.now, customer_email = b.email, customer_phone = b.phone
    FROM unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::int8[], $7::int8[])
         AS b(code, email, phone, now, i, slot)
    JOIN reservation_slots s ON s.id = b.slot
    WHERE t.ticket_code = b.code AND t.status = $8 AND t.orq = s.orq
    RETURNING b.i, t.id, t.ticket_code, t.orq";

const INSERT_RESERVATIONS: &str = "
    INSERT INTO ticket_reservations (ticket_id, slot_id, customer_email, customer_phone, reserved_at,
                                     status, orq, created_at, updated_at, manage_hash)
    SELECT b.ticket_id, b.slot, b.email, b.phone, b.now, 'RESERVED', b.orq, b.now, b.now, b.hash
    FROM unnest($1::int8[], $2::int8[], $3::text[], $4::text[], $5::timestamptz[], $6::int8[], $7::text[])
         AS b(ticket_id, slot, email, phone, now, orq, hash)
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

/// A booked ticket: the booking's position in the batch, and the ticket.
struct Won {
    at: usize,
    ticket_id: TicketId,
    ticket_code: String,
    orq: OrgId,
}

/// What one slot gave the batch: its times, and the seats taken not yet given to a ticket.
struct Seats {
    times: SlotTimes,
    left: usize,
}

/// Applies `writes`, sorted by slot: an answer for each, `None` where a rule refused it.
pub(super) async fn book(writes: &[&Book], conn: &mut PgConnection) -> Result<Vec<Option<Confirmed>>, sqlx::Error> {
    let mut answers: Vec<Option<Confirmed>> = writes.iter().map(|_| None).collect();
    let mut lines: BTreeMap<SlotId, VecDeque<usize>> = BTreeMap::new();
    for at in eligible(writes, conn).await? {
        lines.entry(writes[at].booking.slot_id).or_default().push_back(at);
    }
    if lines.is_empty() {
        return Ok(answers);
    }
    let mut seats = take_seats(writes, &lines, conn).await?;
    let mut won: Vec<Won> = Vec::new();
    loop {
        let mut turn = Vec::new();
        for (slot_id, line) in &mut lines {
            let left = seats.get(slot_id).map_or(0, |s| s.left);
            turn.extend(line.drain(..left.min(line.len())));
        }
        if turn.is_empty() {
            break;
        }
        for w in reserve_tickets(writes, &turn, conn).await? {
            if let Some(s) = seats.get_mut(&writes[w.at].booking.slot_id) {
                s.left -= 1;
            }
            won.push(w);
        }
    }
    free_seats(writes, &seats, conn).await?;
    if won.is_empty() {
        return Ok(answers);
    }
    let reservations = insert_reservations(writes, &won, conn).await?;
    queue_messages(writes, &won, &reservations, conn).await?;
    for w in won {
        let reservation_id = *reservations.get(&w.ticket_id).ok_or_else(lost)?;
        let slot = seats.get(&writes[w.at].booking.slot_id).ok_or_else(lost)?.times.clone();
        answers[w.at] = Some(Confirmed {
            reservation_id,
            ticket_id: w.ticket_id,
            ticket_code: w.ticket_code,
            slot,
            manage_token: String::new(),
        });
    }
    Ok(answers)
}

/// The positions of the bookings their slots could take, in order. A ticket sent more than once
/// is in line each time: the ticket's update books it once, and a seat taken for another of its
/// bookings goes to the next in that slot's line.
async fn eligible(writes: &[&Book], conn: &mut PgConnection) -> Result<Vec<usize>, sqlx::Error> {
    let codes: Vec<&str> = writes.iter().map(|w| w.booking.ticket.as_str()).collect();
    let claimed: Vec<Option<i64>> = writes.iter().map(|w| w.booking.claimed_id.map(|id| id.0)).collect();
    let emails: Vec<&str> = writes.iter().map(|w| w.booking.email.as_str()).collect();
    let nows: Vec<DateTime<Utc>> = writes.iter().map(|w| w.now).collect();
    let since: Vec<DateTime<Utc>> = nows.iter().map(|now| *now - crate::reservation::verify::CONFIRMED_FOR).collect();
    let slots: Vec<i64> = writes.iter().map(|w| w.booking.slot_id.0).collect();
    let found: Vec<(i64,)> = sqlx::query_as(ELIGIBLE)
        .bind(codes)
        .bind(claimed)
        .bind(emails)
        .bind(&nows)
        .bind(since)
        .bind(slots)
        .bind(RESERVE.from)
        .fetch_all(&mut *conn)
        .await?;
    Ok(found.into_iter().filter_map(|(i,)| usize::try_from(i - 1).ok()).filter(|&at| at < writes.len()).collect())
}

/// As many seats of each slot as its line asks for and it has, at the latest instant of its line:
/// a slot that has started by then takes none of them.
async fn take_seats(
    writes: &[&Book],
    lines: &BTreeMap<SlotId, VecDeque<usize>>,
    conn: &mut PgConnection,
) -> Result<HashMap<SlotId, Seats>, sqlx::Error> {
    let latest = |line: &VecDeque<usize>| line.iter().map(|&at| writes[at].now).max();
    let taken: Vec<(SlotId, i64, NaiveDate, NaiveTime, NaiveTime)> = sqlx::query_as(TAKE_SEATS)
        .bind(lines.keys().map(|id| id.0).collect::<Vec<_>>())
        .bind(lines.values().map(|line| line.len() as i64).collect::<Vec<_>>())
        .bind(lines.values().filter_map(latest).collect::<Vec<_>>())
        .fetch_all(&mut *conn)
        .await?;
    Ok(taken
        .into_iter()
        .map(|(slot_id, seats, date, start_time, end_time)| {
            let left = usize::try_from(seats).unwrap_or(0);
            (slot_id, Seats { times: SlotTimes { slot_id, date, start_time, end_time }, left })
        })
        .collect())
}

/// The seats taken that no ticket could have (another instance booked it meanwhile), given back.
async fn free_seats(
    writes: &[&Book],
    seats: &HashMap<SlotId, Seats>,
    conn: &mut PgConnection,
) -> Result<(), sqlx::Error> {
    let unused: Vec<(&SlotId, &Seats)> = seats.iter().filter(|(_, s)| s.left > 0).collect();
    if unused.is_empty() {
        return Ok(());
    }
    let now = writes.iter().map(|w| w.now).max();
    sqlx::query(FREE_SEATS)
        .bind(unused.iter().map(|(id, _)| id.0).collect::<Vec<_>>())
        .bind(unused.iter().map(|(_, s)| s.left as i64).collect::<Vec<_>>())
        .bind(unused.iter().map(|_| now).collect::<Vec<_>>())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The tickets of bookings `turn` → RESERVED, where still ACTIVATED: those booked.
async fn reserve_tickets(writes: &[&Book], turn: &[usize], conn: &mut PgConnection) -> Result<Vec<Won>, sqlx::Error> {
    let pick =
        |f: &dyn Fn(&Book) -> &str| -> Vec<String> { turn.iter().map(|&at| f(writes[at]).to_string()).collect() };
    let nows: Vec<DateTime<Utc>> = turn.iter().map(|&at| writes[at].now).collect();
    let positions: Vec<i64> = turn.iter().map(|&at| at as i64).collect();
    let slots: Vec<i64> = turn.iter().map(|&at| writes[at].booking.slot_id.0).collect();
    let booked: Vec<(i64, TicketId, String, OrgId)> = sqlx::query_as(RESERVE_TICKETS)
        .bind(RESERVE.to)
        .bind(pick(&|w| w.booking.ticket.as_str()))
        .bind(pick(&|w| w.booking.email.as_str()))
        .bind(pick(&|w| w.booking.phone.as_str()))
        .bind(nows)
        .bind(positions)
        .bind(slots)
        .bind(RESERVE.from)
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
        .bind(won.iter().map(|w| w.ticket_id.0).collect::<Vec<_>>())
        .bind(won.iter().map(|w| writes[w.at].booking.slot_id.0).collect::<Vec<_>>())
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
    let mut ids = Vec::with_capacity(won.len());
    let mut keys = Vec::with_capacity(won.len());
    for w in won {
        let reservation_id = *reservations.get(&w.ticket_id).ok_or_else(lost)?;
        ids.push(reservation_id.0);
        keys.push(notify::queue::reservation_key(Kind::Booked, reservation_id, writes[w.at].booking.slot_id, None));
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

/// A booked ticket without its reservation row or its slot's seats: a bug, failing the batch.
fn lost() -> sqlx::Error {
    sqlx::Error::Protocol("a booked ticket has no reservation row".into())
}
