//! The shop counter's server functions: the day's pickups by window (and one order opened by its
//! reservation code), and the status moves staff make. Operators and admins alike may use them;
//! each move needs the session's form token and is one conditional write in
//! `gatehouse::shop::orders`, which also gives the stock and the place back on cancel and no-show.
//! Everything is worded on the server, so the scanner's client carries no date or money code.
use crate::error::AppError;
use gatehouse::ids::ShopOrderId;
use gatehouse::shop::OrderStatus;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One order as the counter shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterOrder {
    pub id: ShopOrderId,
    pub code: String,
    pub status: OrderStatus,
    pub name: String,
    pub phone: String,
    pub email: Option<String>,
    /// "2 × Harbor Sourdough Loaf", one per line.
    pub items: Vec<String>,
    pub instructions: String,
    /// "$21.25, pay at pickup".
    pub total: String,
    /// "Wednesday, April 14, 12:00 PM–12:15 PM".
    pub pickup: String,
}

/// A pickup window of the day and its orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterWindow {
    pub time: String,
    pub orders: Vec<CounterOrder>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CounterView {
    pub staff: String,
    pub organization: String,
    /// The token every move carries.
    pub csrf: String,
    /// The day shown, `YYYY-MM-DD`, and the days before and after it.
    pub date: String,
    pub previous: String,
    pub next: String,
    /// "Wednesday, April 14 (today)".
    pub day: String,
    pub windows: Vec<CounterWindow>,
    /// The order asked for by its code (typed or scanned), or why there is none.
    pub opened: Option<Result<CounterOrder, String>>,
}

/// The day's pickups (`date`, the venue's today when empty) and the order with `code`, if asked.
/// `None` without a staff session: the page then sends to the sign-in.
#[server(prefix = "/sfn", endpoint = "counter_day", output = crate::codec::JsonText)]
pub async fn counter_day(date: String, code: String) -> Result<Option<CounterView>, AppError> {
    use crate::server::ssr::{engine, no_venue, storage};
    use gatehouse::shop::{orders, ReservationCode};
    use gatehouse::wording;
    let engine = engine()?;
    let Some(staff) = crate::staff::account::ssr::signed_in_staff(&engine).await? else { return Ok(None) };
    let venue = gatehouse::org::main_venue(&engine.db, staff.orq).await.map_err(storage)?.ok_or_else(no_venue)?;
    let user = gatehouse::staff::user_by_id(&engine.db, staff.user).await.map_err(storage)?;
    let organization = gatehouse::org::organization(&engine.db, staff.orq).await.map_err(storage)?;
    let (Some(user), Some(organization)) = (user, organization) else { return Ok(None) };
    let today = venue.today(engine.now());
    let date = match date.trim() {
        "" => today,
        typed => typed
            .parse()
            .map_err(|_| AppError::new("INVALID_DATE", "Choose a day as the calendar field gives it (YYYY-MM-DD)."))?,
    };
    let windows = orders::pickups_on(&engine.db, staff.orq, date).await.map_err(storage)?;
    let opened = match code.trim() {
        "" => None,
        typed => Some(match ReservationCode::parse(typed) {
            Err(e) => Err(e.to_string()),
            Ok(code) => match orders::by_code(&engine.db, staff.orq, &code).await.map_err(storage)? {
                Some(order) => Ok(ssr::shown(order)),
                None => Err(format!("No order has the code {code}.")),
            },
        }),
    };
    let day = match date {
        d if d == today => format!("{} (today)", wording::day_and_date(d)),
        d => wording::day_and_date(d),
    };
    Ok(Some(CounterView {
        staff: user.display_name,
        organization: organization.name,
        csrf: staff.csrf,
        date: date.to_string(),
        previous: date.pred_opt().unwrap_or(date).to_string(),
        next: date.succ_opt().unwrap_or(date).to_string(),
        day,
        windows: windows
            .into_iter()
            .map(|w| CounterWindow {
                time: wording::time_range(w.start_time, w.end_time),
                orders: w.orders.into_iter().map(ssr::shown).collect(),
            })
            .collect(),
        opened,
    }))
}

/// Moves an order to `to`: refused (409 `STATUS_CHANGE_REFUSED`) when its status does not allow it,
/// 404 `ORDER_NOT_FOUND` when the order is not this organization's.
#[server(prefix = "/sfn", endpoint = "counter_move", output = crate::codec::JsonText)]
pub async fn counter_move(csrf: String, order: ShopOrderId, to: OrderStatus) -> Result<(), AppError> {
    let engine = crate::server::ssr::engine()?;
    let staff = crate::staff::account::ssr::authorized_staff(&engine, &csrf).await?;
    gatehouse::shop::orders::set_status(&engine, staff.orq, order, to).await?;
    Ok(())
}

/// The moves the counter offers, in the order its buttons show them.
pub const MOVES: [(OrderStatus, &str); 5] = [
    (OrderStatus::Confirmed, "Confirm"),
    (OrderStatus::Ready, "Mark ready"),
    (OrderStatus::Completed, "Picked up"),
    (OrderStatus::NoShow, "Not collected"),
    (OrderStatus::Cancelled, "Cancel order"),
];

#[cfg(feature = "ssr")]
mod ssr {
    use super::CounterOrder;
    use gatehouse::shop::orders::Order;
    use gatehouse::shop::{Currency, Money, PaymentStatus};
    use gatehouse::wording;

    pub fn shown(order: Order) -> CounterOrder {
        let money = |minor: i64| match Currency::parse(&order.currency) {
            Ok(currency) => Money::new(minor, currency).to_string(),
            Err(_) => format!("{minor} {}", order.currency),
        };
        let payment = match order.payment_status {
            PaymentStatus::Unpaid => "not paid",
            PaymentStatus::PayAtPickup => "pay at pickup",
            PaymentStatus::Paid => "paid",
        };
        let total = match order.discount_minor {
            0 => format!("{}, {payment}", money(order.total_minor)),
            off => format!("{} ({} off), {payment}", money(order.total_minor), money(off)),
        };
        CounterOrder {
            id: order.id,
            code: order.code.clone(),
            status: order.status,
            name: order.customer_name.clone(),
            phone: order.customer_phone.clone(),
            email: order.customer_email.clone(),
            items: order.items.iter().map(|i| format!("{} × {}", i.quantity, i.name)).collect(),
            instructions: order.instructions.clone(),
            total,
            pickup: format!(
                "{}, {}",
                wording::day_and_date(order.pickup_date),
                wording::time_range(order.pickup_start, order.pickup_end)
            ),
        }
    }
}
