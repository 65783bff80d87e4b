//! Races the engine must win on every backend: never oversell, never double-admit.
mod support;
use gatehouse::admission::{self, Door};
use gatehouse::reservation::{self, Booking};
use std::sync::Arc;
use support::{backends, TestApp};

fn booking(ticket_id: i64, slot_id: i64) -> Booking {
    Booking::parse(ticket_id, slot_id, "race@example.com", "+12025550100").expect("valid contact")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_bookings_fill_a_200_seat_slot_exactly() {
    for backend in backends() {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(10, 12).await;
        let tickets = app.tickets("ACTIVATED", 1000).await;
        let engine = Arc::new(app.engine.clone());
        let attempts: Vec<_> = tickets
            .iter()
            .map(|(id, _)| {
                let (engine, id) = (engine.clone(), *id);
                tokio::spawn(async move { reservation::reserve(&engine, &booking(id, slot)).await })
            })
            .collect();
        let mut won = 0;
        for attempt in attempts {
            match attempt.await.expect("task") {
                Ok(_) => won += 1,
                Err(e) => assert_eq!(e.code(), "SLOT_FULL", "{backend:?}: {e:?}"),
            }
        }
        assert_eq!(won, 200, "{backend:?}");
        assert_eq!(app.booked(slot).await, 200);
        let rows = app
            .scalar("SELECT COUNT(*) FROM ticket_reservations WHERE slot_id = $1 AND status = 'RESERVED'", slot)
            .await;
        assert_eq!(rows, 200, "{backend:?}: counter equals rows");
        let reserved = app.scalar("SELECT COUNT(*) FROM tickets WHERE status = 'RESERVED' AND customer_email = 'race@example.com' AND id > $1", 0).await;
        assert_eq!(reserved, 200, "{backend:?}: every winner's ticket is RESERVED, no loser's");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_admissions_of_one_ticket_admit_it_once() {
    for backend in backends() {
        let app = TestApp::with_demo(backend).await;
        let (id, _) = app.ticket("ACTIVATED").await;
        reservation::reserve(&app.engine, &booking(id, app.slot(0, 12).await)).await.expect("reserve");
        let orq = app.orq().await;
        let operator = gatehouse::users::user_by_username(&app.engine.db, "operator").await.expect("q").expect("op");
        let engine = Arc::new(app.engine.clone());
        let attempts: Vec<_> = (0..50)
            .map(|i| {
                let engine = engine.clone();
                let door = Door { operator_id: operator.id, orq, device: format!("gate-{i}") };
                tokio::spawn(async move { admission::verify(&engine, &door, id).await })
            })
            .collect();
        let mut admitted = 0;
        for attempt in attempts {
            match attempt.await.expect("task") {
                Ok(_) => admitted += 1,
                Err(e) => assert_eq!(e.code(), "ALREADY_VERIFIED", "{backend:?}: {e:?}"),
            }
        }
        assert_eq!(admitted, 1, "{backend:?}");
        let verified_rows =
            app.scalar("SELECT COUNT(*) FROM checkin_log WHERE ticket_id = $1 AND outcome = 'VERIFIED'", id).await;
        assert_eq!(verified_rows, 1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM checkin_log WHERE ticket_id = $1", id).await, 50);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_ticket_booked_into_two_slots_at_once_gets_exactly_one() {
    for backend in backends() {
        let app = TestApp::with_demo(backend).await;
        let (a, b) = (app.slot(11, 12).await, app.slot(11, 14).await);
        for round in 0..20 {
            let (id, _) = app.ticket("ACTIVATED").await;
            let (e1, e2) = (app.engine.clone(), app.engine.clone());
            let first = tokio::spawn(async move { reservation::reserve(&e1, &booking(id, a)).await });
            let second = tokio::spawn(async move { reservation::reserve(&e2, &booking(id, b)).await });
            let (r1, r2) = (first.await.expect("task"), second.await.expect("task"));
            assert!(r1.is_ok() != r2.is_ok(), "{backend:?} round {round}: {r1:?} / {r2:?}");
            let loser = if r1.is_ok() { r2 } else { r1 };
            assert_eq!(loser.err().map(|e| e.code()), Some("TICKET_ALREADY_RESERVED"));
        }
        assert_eq!(app.booked(a).await + app.booked(b).await, 20, "{backend:?}");
        let live = app
            .scalar("SELECT COUNT(*) FROM ticket_reservations WHERE slot_id IN ($1, $1 + 1) AND status = 'RESERVED'", a)
            .await;
        assert_eq!(live, 20, "{backend:?}");
    }
}
