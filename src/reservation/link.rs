//! "Send me my management link": a visitor who lost the link asks for a new one on the ticket's
//! page. Only a digest of the link's token is kept, so the old link cannot be sent again: a new
//! token replaces it (the old link stops working) and goes to the e-mail address the visit was
//! booked with, never to the asker. Whether the code exists is not told.
use crate::ids::{ReservationId, SlotId};
use crate::notify::kind::Kind;
use crate::notify::queue::{reservation_key, FOR_RESERVATION};
use crate::store::batch::Write;
use crate::store::Tx;
use crate::tickets::code::TicketCode;
use crate::{on_tx, secret, Engine};
use chrono::{DateTime, Duration, Utc};

/// New links one visit may be sent within [`WITHIN`]: enough for a visitor who mistyped their
/// mail filter, too few to flood anyone's inbox.
pub const LINKS_PER_VISIT: i64 = 3;
pub const WITHIN: Duration = Duration::hours(1);

/// Sends a new management link for the live visit of ticket `code`, when it has one and has not
/// had [`LINKS_PER_VISIT`] in the last hour. The answer is the same either way.
pub async fn send_manage_link(engine: &Engine, code: &TicketCode) -> Result<(), sqlx::Error> {
    let token = secret::random_token("m", 16);
    let write = NewLink { code: code.clone(), hash: secret::digest(&token), token, now: engine.now() };
    if engine.batcher.write(write).await? {
        engine.events.outbox_written();
    }
    Ok(())
}

struct NewLink {
    code: TicketCode,
    hash: String,
    token: String,
    now: DateTime<Utc>,
}

impl Write for NewLink {
    /// Whether a link was written.
    type Output = bool;

    async fn apply(&self, tx: &mut Tx) -> Result<bool, sqlx::Error> {
        let NewLink { code, hash, token, now } = self;
        on_tx!(tx, conn => async {
            let renewed: Option<(ReservationId, SlotId)> = sqlx::query_as(
                "UPDATE ticket_reservations SET manage_hash = $2
                 WHERE status = 'RESERVED'
                   AND ticket_id = (SELECT id FROM tickets WHERE ticket_code = $1)
                   AND (SELECT COUNT(*) FROM outbox o
                        WHERE o.reservation_id = ticket_reservations.id AND o.kind = $3 AND o.channel = 'email'
                          AND o.created_at > $4) < $5
                 RETURNING id, slot_id")
                .bind(code.as_str()).bind(hash).bind(Kind::ManageLink).bind(*now - WITHIN).bind(LINKS_PER_VISIT)
                .fetch_optional(&mut *conn).await?;
            let Some((reservation, slot)) = renewed else { return Ok(false) };
            // Each request is its own message (the test clock may not move between two): the key
            // carries the new token's digest, which is new every time.
            let key = format!("{}-{}", reservation_key(Kind::ManageLink, reservation, slot, None), &hash[..16]);
            sqlx::query(FOR_RESERVATION)
                .bind(reservation).bind(key).bind(Kind::ManageLink).bind(token).bind(now)
                .bind(Kind::ManageLink.texts()).execute(&mut *conn).await?;
            Ok(true)
        }.await)
    }
}
