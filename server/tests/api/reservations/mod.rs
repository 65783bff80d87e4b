//! Booking, changing and cancelling through the REST API, on every backend.
use crate::support::TestApp;
use gatehouse::ids::SlotId;
use gatehouse::tickets::code::TicketCode;

mod availability;
mod booking;
mod changes;
mod management;
mod takeover;
mod ticket_page;
mod validation;

/// The demo slot five days ahead at 14:00, moved to another organization.
async fn a_foreign_slot(app: &TestApp) -> SlotId {
    let foreign = app.slot(5, 14).await;
    let other = app.other_organization().await;
    gatehouse::on_pool!(&app.engine.db, pool =>
        sqlx::query("UPDATE reservation_slots SET orq = $2 WHERE id = $1").bind(foreign).bind(other).execute(pool).await.map(|_| ()))
    .expect("move slot");
    foreign
}

/// The ticket page for `code`, as whoever holds the code sees it.
async fn ticket_page(app: &TestApp, code: &TicketCode) -> String {
    app.page(&format!("/ticket?code={code}")).await
}
