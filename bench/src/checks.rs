//! After the load, the database itself is asked whether the rules held: no overbooking, counters
//! equal to the rows they count, every answered booking stored, every ticket admitted once.
//!
//! A request that failed on the client side (timeout, reset) may still have been carried out by
//! the server, so where errors occurred a count is checked against a range rather than a number.
use gatehouse::on_pool;
use gatehouse::store::Db;

/// Ticket ids per `IN (...)` query: well under SQLite's parameter limit.
const CHUNK: usize = 5_000;

pub struct Bookings {
    pub order_id: i64,
    /// Tickets answered 200 by `spread` and `hot` together.
    pub booked: Vec<i64>,
    pub errors: u64,
}

pub struct Hot {
    pub slot_id: i64,
    pub capacity: i64,
    pub attempts: u64,
    pub successes: u64,
    pub errors: u64,
}

pub struct Admissions {
    pub order_id: i64,
    pub verified: u64,
    pub errors: u64,
}

/// `double-scan`, as its clients saw it.
pub struct DoubleAdmissions {
    pub tickets: u64,
    /// Tickets both of whose verifies were answered 200.
    pub twice: u64,
}

pub struct Expected {
    pub bookings: Option<Bookings>,
    pub hot: Option<Hot>,
    pub admissions: Option<Admissions>,
    pub double: Option<DoubleAdmissions>,
}

struct Report {
    passed: bool,
}

impl Report {
    fn line(&mut self, ok: bool, what: &str, detail: String) {
        println!("{} {what}: {detail}", if ok { "PASS" } else { "FAIL" });
        self.passed &= ok;
    }
}

async fn count(db: &Db, sql: &str, id: Option<i64>) -> Result<i64, String> {
    let (n,): (i64,) = match id {
        Some(id) => on_pool!(db, pool => sqlx::query_as(sql).bind(id).fetch_one(pool).await),
        None => on_pool!(db, pool => sqlx::query_as(sql).fetch_one(pool).await),
    }
    .map_err(|e| format!("check query failed: {e}"))?;
    Ok(n)
}

fn within(n: i64, low: u64, errors: u64) -> bool {
    u64::try_from(n).is_ok_and(|n| n >= low && n <= low + errors)
}

/// True when every check passes.
pub async fn run(db: &Db, expected: &Expected) -> Result<bool, String> {
    let mut report = Report { passed: true };
    let over = count(db, "SELECT COUNT(*) FROM reservation_slots WHERE booked_count > total_capacity", None).await?;
    report.line(over == 0, "no slot overbooked", format!("{over} slots over capacity"));
    let drift = count(
        db,
        "SELECT COUNT(*) FROM reservation_slots s WHERE s.booked_count <> (
             SELECT COUNT(*) FROM ticket_reservations r WHERE r.slot_id = s.id AND r.status <> 'CANCELLED')",
        None,
    )
    .await?;
    report.line(drift == 0, "slot counters equal live reservations", format!("{drift} slots differ"));

    if let Some(b) = &expected.bookings {
        let missing = missing_reservations(db, &b.booked).await?;
        report.line(
            missing == 0,
            "every 200 booking is stored",
            format!("{} answered 200, {missing} without a live reservation", b.booked.len()),
        );
        let stored = count(
            db,
            "SELECT COUNT(*) FROM ticket_reservations r JOIN tickets t ON t.id = r.ticket_id
             WHERE t.order_id = $1 AND r.status <> 'CANCELLED'",
            Some(b.order_id),
        )
        .await?;
        report.line(
            within(stored, b.booked.len() as u64, b.errors),
            "no booking stored without a 200 (client errors aside)",
            format!("{stored} stored, {} answered 200, {} client errors", b.booked.len(), b.errors),
        );
    }

    if let Some(h) = &expected.hot {
        let booked = count(db, "SELECT booked_count FROM reservation_slots WHERE id = $1", Some(h.slot_id)).await?;
        let want = h.attempts.min(h.capacity as u64);
        report.line(
            within(booked, h.successes, h.errors) && booked as u64 == want && h.successes <= want,
            "hot slot filled exactly to capacity",
            format!(
                "{} successes of {} attempts, capacity {}, booked_count {booked}",
                h.successes, h.attempts, h.capacity
            ),
        );
    }

    let twice = count(
        db,
        "SELECT COUNT(*) FROM (SELECT ticket_id FROM checkin_log WHERE outcome = 'VERIFIED'
                               GROUP BY ticket_id HAVING COUNT(*) > 1) twice",
        None,
    )
    .await?;
    report.line(twice == 0, "no ticket admitted twice", format!("{twice} tickets with several admissions"));
    if let Some(d) = &expected.double {
        report.line(
            d.twice == 0,
            "no ticket scanned twice at once was answered 200 twice",
            format!("{} of {} tickets", d.twice, d.tickets),
        );
    }
    if let Some(a) = &expected.admissions {
        let verified =
            count(db, "SELECT COUNT(*) FROM tickets WHERE order_id = $1 AND status = 'VERIFIED'", Some(a.order_id))
                .await?;
        report.line(
            within(verified, a.verified, a.errors),
            "verified tickets equal verify 200s",
            format!("{verified} VERIFIED, {} answered 200, {} client errors", a.verified, a.errors),
        );
    }
    Ok(report.passed)
}

async fn missing_reservations(db: &Db, tickets: &[i64]) -> Result<u64, String> {
    let mut missing = 0;
    for chunk in tickets.chunks(CHUNK) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT COUNT(DISTINCT ticket_id) FROM ticket_reservations
             WHERE status <> 'CANCELLED' AND ticket_id IN ({})",
            placeholders.join(",")
        );
        let (found,): (i64,) = on_pool!(db, pool => {
            let mut query = sqlx::query_as(&sql);
            for id in chunk {
                query = query.bind(id);
            }
            query.fetch_one(pool).await
        })
        .map_err(|e| format!("check query failed: {e}"))?;
        missing += chunk.len() as u64 - u64::try_from(found).unwrap_or(0);
    }
    Ok(missing)
}
