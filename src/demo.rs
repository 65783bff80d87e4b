//! Demo data: a museum with 90 days of slots, tickets in every lifecycle state, and staff.
//! Running it again tops up slots to 90 days ahead and creates nothing twice.
use crate::clock::Clock;
use crate::ids::{OrderId, OrgId, ProductId, SlotId, TicketId, UserId};
use crate::org::{self, Venue};
use crate::slots::schedule::{ensure_slots, DailySchedule};
use crate::staff::{self, Role, UserError};
use crate::store::Db;
use crate::tickets::code::TicketCode;
use crate::tickets::lifecycle::TicketStatus;
use crate::{on_pool, on_tx};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use rand::distr::{Alphanumeric, SampleString};

pub const DEMO_SLUG: &str = "demo-museum";
const DEMO_TZ: &str = "America/New_York";
const DAYS_AHEAD: u32 = 90;
const DAYS_BEHIND: u32 = 7;
/// Pickup windows are 15 minutes long: two weeks of them is plenty to choose from.
const SHOP_DAYS_AHEAD: u32 = 14;

pub struct Credentials {
    pub username: String,
    pub password: String,
}

pub struct DemoReport {
    /// Present only when this run created the organization (passwords are stored hashed).
    pub new_credentials: Option<(Credentials, Credentials)>,
    pub slots_created: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("storage failure: {0}")]
    Storage(#[from] sqlx::Error),
    #[error("cannot create demo staff: {0}")]
    Users(#[from] UserError),
    #[error("cannot make the demo's ticket-signing key: {0}")]
    Key(#[from] crate::tickets::signed::KeyError),
}

fn schedule() -> DailySchedule {
    DailySchedule {
        first_start: NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default(),
        close: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
        length: Duration::hours(2),
        capacity: 200,
    }
}

pub async fn seed_demo(db: &Db, clock: &dyn Clock) -> Result<DemoReport, SeedError> {
    let now = clock.now();
    let (venue, created) = match org::organization_by_slug(db, DEMO_SLUG).await? {
        Some(o) => (org::main_venue(db, o.id).await?.ok_or(sqlx::Error::RowNotFound)?, false),
        None => (create_museum(db, now).await?, true),
    };
    let today = venue.today(now);
    let first = today - Duration::days(DAYS_BEHIND as i64);
    let slots_created = ensure_slots(db, &venue, schedule(), first, DAYS_BEHIND + DAYS_AHEAD, now).await?;
    crate::shop::demo::seed(db, &venue, first, DAYS_BEHIND + SHOP_DAYS_AHEAD, now).await?;
    // Made now rather than at the first ticket shown; a second run keeps the key it finds.
    crate::tickets::signed::keys::active_key(db, venue.orq, now).await?;
    let new_credentials = if created {
        let credentials = create_staff(db, venue.orq, now).await?;
        create_tickets(db, &venue, today, now).await?;
        Some(credentials)
    } else {
        None
    };
    Ok(DemoReport { new_credentials, slots_created })
}

async fn create_museum(db: &Db, now: chrono::DateTime<chrono::Utc>) -> Result<Venue, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let done = on_tx!(&mut tx, conn => async {
        let (orq,): (OrgId,) = sqlx::query_as(
            "INSERT INTO organizations (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(DEMO_SLUG).bind("Harbor Museum of Light").bind(now).fetch_one(&mut *conn).await?;
        let venue: Venue = sqlx::query_as(
            "INSERT INTO venues (orq, name, time_zone, address) VALUES ($1, $2, $3, $4)
             RETURNING id, orq, name, time_zone, address")
            .bind(orq).bind("Harbor Museum of Light").bind(DEMO_TZ).bind("1 Pier Street, New York, NY")
            .fetch_one(&mut *conn).await?;
        sqlx::query("INSERT INTO products (orq, name) VALUES ($1, 'General admission')")
            .bind(orq).execute(&mut *conn).await?;
        Ok::<_, sqlx::Error>(venue)
    }.await)?;
    tx.commit().await?;
    Ok(done)
}

async fn create_staff(
    db: &Db,
    orq: OrgId,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(Credentials, Credentials), SeedError> {
    let mut made = Vec::new();
    for (username, name, role) in
        [("operator", "Olivia Operator", Role::Operator), ("admin", "Adam Admin", Role::Admin)]
    {
        let password = Alphanumeric.sample_string(&mut rand::rng(), 14);
        staff::create_user(db, orq, username, name, role, &password, now).await?;
        made.push(Credentials { username: username.into(), password });
    }
    let admin = made.pop().ok_or(sqlx::Error::RowNotFound)?;
    let operator = made.pop().ok_or(sqlx::Error::RowNotFound)?;
    Ok((operator, admin))
}

/// How many demo tickets of each status, and on which day (relative to today) reserved ones are.
const TICKET_PLAN: [(TicketStatus, usize, i64); 6] = [
    (TicketStatus::PendingPayment, 40, 0),
    (TicketStatus::Activated, 150, 0),
    (TicketStatus::Reserved, 60, 1),
    (TicketStatus::Reserved, 100, 2),
    (TicketStatus::Verified, 30, -1),
    (TicketStatus::Expired, 30, -2),
];

async fn create_tickets(
    db: &Db,
    venue: &Venue,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    let codes: Vec<TicketCode> = {
        let mut rng = rand::rng();
        (0..TICKET_PLAN.iter().map(|p| p.1).sum::<usize>())
            .map(|_| TicketCode::generate(today.year(), &mut rng))
            .collect()
    };
    let mut codes = codes.into_iter();
    let mut tx = db.begin_write().await?;
    on_tx!(&mut tx, conn => async {
        let (product_id,): (ProductId,) = sqlx::query_as("SELECT id FROM products WHERE orq = $1 ORDER BY id LIMIT 1")
            .bind(venue.orq).fetch_one(&mut *conn).await?;
        let (operator_id,): (UserId,) = sqlx::query_as("SELECT id FROM users WHERE orq = $1 AND role = 'OPERATOR' ORDER BY id LIMIT 1")
            .bind(venue.orq).fetch_one(&mut *conn).await?;
        for (n, &(status, count, day)) in TICKET_PLAN.iter().enumerate() {
            let order_status = if status == TicketStatus::PendingPayment { "PENDING" } else { "PAID" };
            let (order_id,): (OrderId,) = sqlx::query_as(
                "INSERT INTO orders (orq, status, created_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(venue.orq).bind(order_status).bind(now).fetch_one(&mut *conn).await?;
            let date = today + Duration::days(day);
            // Reserved tickets on day 2 all go to the noon slot so the calendar shows a LIMITED one.
            let slot_ids: Vec<(SlotId,)> = sqlx::query_as(
                "SELECT id FROM reservation_slots WHERE venue_id = $1 AND date = $2 ORDER BY start_time")
                .bind(venue.id).bind(date).fetch_all(&mut *conn).await?;
            for i in 0..count {
                let Some(code) = codes.next() else { break };
                let email = format!("visitor{n}{i}@example.com");
                let phone = format!("+1202555{:04}", (n * 1000 + i) % 10_000);
                let reserved = matches!(status, TicketStatus::Reserved | TicketStatus::Verified | TicketStatus::Expired);
                let activated = status != TicketStatus::PendingPayment;
                let verified = status == TicketStatus::Verified;
                let (ticket_id,): (TicketId,) = sqlx::query_as(
                    "INSERT INTO tickets (ticket_code, order_id, product_id, orq, status, customer_email, customer_phone,
                                          created_at, activated_at, reserved_at, verified_at, verified_by, expired_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
                    .bind(code.as_str()).bind(order_id).bind(product_id).bind(venue.orq).bind(status)
                    .bind(reserved.then_some(&email)).bind(reserved.then_some(&phone)).bind(now)
                    .bind(activated.then_some(now)).bind(reserved.then_some(now))
                    .bind(verified.then_some(now)).bind(verified.then_some(operator_id))
                    .bind((status == TicketStatus::Expired).then_some(now))
                    .fetch_one(&mut *conn).await?;
                if !reserved || slot_ids.is_empty() {
                    continue;
                }
                let slot_id = if day == 2 { slot_ids[1.min(slot_ids.len() - 1)].0 } else { slot_ids[i % slot_ids.len()].0 };
                sqlx::query(
                    "INSERT INTO ticket_reservations (ticket_id, slot_id, customer_email, customer_phone, reserved_at,
                                                      status, orq, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $5, $5)")
                    .bind(ticket_id).bind(slot_id).bind(&email).bind(&phone).bind(now)
                    .bind(if verified { "VERIFIED" } else { "RESERVED" }).bind(venue.orq)
                    .execute(&mut *conn).await?;
            }
        }
        sqlx::query(
            "UPDATE reservation_slots SET booked_count = (
                 SELECT COUNT(*) FROM ticket_reservations r WHERE r.slot_id = reservation_slots.id AND r.status <> 'CANCELLED')
             WHERE venue_id = $1")
            .bind(venue.id).execute(&mut *conn).await?;
        Ok::<_, sqlx::Error>(())
    }.await)?;
    tx.commit().await?;
    Ok(())
}

/// A few demo ticket codes in `status`, to try the flows with.
pub async fn sample_codes(db: &Db, status: TicketStatus, count: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = on_pool!(db, pool => sqlx::query_as(
        "SELECT t.ticket_code FROM tickets t JOIN organizations o ON o.id = t.orq
         WHERE o.slug = $1 AND t.status = $2 ORDER BY t.id LIMIT $3")
        .bind(DEMO_SLUG).bind(status).bind(count).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(c,)| c).collect())
}
