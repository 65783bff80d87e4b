//! Races the engine must win on every backend: never oversell, never double-admit.
use crate::support::{backend_tests, Backend, TestApp};
use gatehouse::admission::{self, Door};
use gatehouse::error::DomainError;
use gatehouse::ids::SlotId;
use gatehouse::reservation::{self, Booking};
use gatehouse::store::Tx;
use gatehouse::tickets::code::TicketCode;
use std::fmt::Debug;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

fn booking(code: &TicketCode, slot_id: SlotId) -> Booking {
    Booking::parse(code.clone(), None, slot_id, "race@example.com", "+12025550100").expect("valid contact")
}

/// The demo operator at the door named `device`.
async fn door(app: &TestApp, device: String) -> Door {
    let operator = gatehouse::staff::user_by_username(&app.engine.db, "operator").await.expect("q").expect("op");
    Door { operator_id: operator.id, orq: app.orq().await, device }
}

/// Awaits every attempt and counts those that won; each that lost must have lost with `loser`.
async fn wins<T, E: DomainError + Debug>(attempts: Vec<JoinHandle<Result<T, E>>>, loser: &str) -> usize {
    let mut won = 0;
    for attempt in attempts {
        match attempt.await.expect("task") {
            Ok(_) => won += 1,
            Err(e) => assert_eq!(e.code(), loser, "{e:?}"),
        }
    }
    won
}

backend_tests! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_thousand_concurrent_bookings_fill_a_200_seat_slot_exactly(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(10, 12).await;
        let tickets = app.tickets("ACTIVATED", 1000).await;
        let engine = Arc::new(app.engine.clone());
        let attempts: Vec<_> = tickets
            .iter()
            .map(|(_, code)| {
                let (engine, code) = (engine.clone(), code.clone());
                tokio::spawn(async move { reservation::reserve(&engine, &booking(&code, slot)).await })
            })
            .collect();
        assert_eq!(wins(attempts, "SLOT_FULL").await, 200);
        assert_eq!(app.booked(slot).await, 200);
        let rows = app
            .scalar("SELECT COUNT(*) FROM ticket_reservations WHERE slot_id = $1 AND status = 'RESERVED'", slot)
            .await;
        assert_eq!(rows, 200, "counter equals rows");
        let reserved = app.scalar("SELECT COUNT(*) FROM tickets WHERE status = 'RESERVED' AND customer_email = 'race@example.com' AND id > $1", 0).await;
        assert_eq!(reserved, 200, "every winner's ticket is RESERVED, no loser's");
    }
}

backend_tests! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn fifty_concurrent_admissions_of_one_ticket_admit_it_once(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (id, code) = app.ticket("ACTIVATED").await;
        reservation::reserve(&app.engine, &booking(&code, app.slot(0, 12).await)).await.expect("reserve");
        let gate = door(&app, String::new()).await;
        let engine = Arc::new(app.engine.clone());
        let attempts: Vec<_> = (0..50)
            .map(|i| {
                let engine = engine.clone();
                let door = Door { device: format!("gate-{i}"), ..gate.clone() };
                tokio::spawn(async move { admission::verify(&engine, &door, id).await })
            })
            .collect();
        assert_eq!(wins(attempts, "ALREADY_VERIFIED").await, 1);
        let verified_rows =
            app.scalar("SELECT COUNT(*) FROM checkin_log WHERE ticket_id = $1 AND outcome = 'VERIFIED'", id).await;
        assert_eq!(verified_rows, 1);
        assert_eq!(app.scalar("SELECT COUNT(*) FROM checkin_log WHERE ticket_id = $1", id).await, 50);
    }
}

backend_tests! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn one_ticket_booked_into_two_slots_at_once_gets_exactly_one(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (a, b) = (app.slot(11, 12).await, app.slot(11, 14).await);
        for round in 0..20 {
            let (_, code) = app.ticket("ACTIVATED").await;
            let (e1, e2) = (app.engine.clone(), app.engine.clone());
            let (c1, c2) = (code.clone(), code.clone());
            let first = tokio::spawn(async move { reservation::reserve(&e1, &booking(&c1, a)).await });
            let second = tokio::spawn(async move { reservation::reserve(&e2, &booking(&c2, b)).await });
            let (r1, r2) = (first.await.expect("task"), second.await.expect("task"));
            assert!(r1.is_ok() != r2.is_ok(), "round {round}: {r1:?} / {r2:?}");
            let loser = if r1.is_ok() { r2 } else { r1 };
            assert_eq!(loser.err().map(|e| e.code()), Some("TICKET_ALREADY_RESERVED"));
        }
        assert_eq!(app.booked(a).await + app.booked(b).await, 20);
        let live = app
            .scalar("SELECT COUNT(*) FROM ticket_reservations WHERE slot_id IN ($1, $1 + 1) AND status = 'RESERVED'", a)
            .await;
        assert_eq!(live, 20);
    }
}

/// Each slot's counter equals its live reservations, and none holds more than its capacity.
async fn assert_counts_match(app: &TestApp, slots: &[SlotId], context: &str) {
    for &slot in slots {
        let live = app
            .scalar("SELECT COUNT(*) FROM ticket_reservations WHERE slot_id = $1 AND status <> 'CANCELLED'", slot)
            .await;
        assert_eq!(app.booked(slot).await, live, "{context}: slot {slot}'s counter equals its live reservations");
        let capacity = app.scalar("SELECT total_capacity FROM reservation_slots WHERE id = $1", slot).await;
        assert!(live <= capacity, "{context}: slot {slot} holds {live} in {capacity} places");
    }
}

/// Four bystanders hold seats in slots A and B (12 days ahead, 12:00 and 14:00), two each; then
/// `rounds` times a new ticket is booked into A and changed to B, cancelled and cancelled again,
/// all at once. After every round the counts match and the ticket is RESERVED exactly when it
/// has a live reservation. Answers A and B.
async fn race_a_change_against_two_cancels(app: &TestApp, rounds: usize) -> (SlotId, SlotId) {
    let (a, b) = (app.slot(12, 12).await, app.slot(12, 14).await);
    for (i, (_, other)) in app.tickets("ACTIVATED", 4).await.iter().enumerate() {
        let slot = if i % 2 == 0 { a } else { b };
        reservation::reserve(&app.engine, &booking(other, slot)).await.expect("bystander");
    }
    for round in 0..rounds {
        let (id, code) = app.ticket("ACTIVATED").await;
        let manage = reservation::reserve(&app.engine, &booking(&code, a)).await.expect("reserve").manage_token;
        let run = |op: u8| {
            let (engine, code, manage) = (app.engine.clone(), code.clone(), manage.clone());
            tokio::spawn(async move {
                match op {
                    0 => reservation::reschedule(&engine, &code, Some(&manage), b).await.map(|_| ()),
                    _ => reservation::cancel(&engine, &code, Some(&manage)).await,
                }
            })
        };
        let (changed, first, second) = tokio::join!(run(0), run(1), run(1));
        let cancels = [first.expect("task"), second.expect("task")];
        assert!(cancels.iter().filter(|r| r.is_ok()).count() <= 1, "round {round}: one cancel wins");
        // The change may lose the race, but only to a cancel that came first.
        if let Err(e) = changed.expect("task") {
            assert_eq!(e.code(), "NO_RESERVATION", "round {round}: the change failed otherwise: {e:?}");
        }
        assert_counts_match(app, &[a, b], &format!("round {round}")).await;
        let status = app.status(id).await;
        let live = app
            .scalar("SELECT COUNT(*) FROM ticket_reservations WHERE ticket_id = $1 AND status = 'RESERVED'", id)
            .await;
        assert_eq!((status == "RESERVED") as i64, live, "round {round}: {status} with {live} live");
    }
    (a, b)
}

backend_tests! {
    /// The race the attacker found: a cancel that read the reservation's slot, then a change moved
    /// it, then the cancel freed a seat in the old slot while the new one kept a phantom. Every
    /// round runs change A→B, cancel and cancel at once on one ticket while other tickets hold seats
    /// in both slots.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_change_racing_two_cancels_of_one_ticket_never_corrupts_the_counts(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        race_a_change_against_two_cancels(&app, 150).await;
    }
}

backend_tests! {
    /// Today's slot: a verify racing a change or a cancel (a venue without a change cut-off,
    /// so both are allowed until the visit). Once admitted, a ticket is neither cancelled nor moved.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn an_admission_racing_a_cancel_or_a_change_never_lets_both_win(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let mut engine = app.engine.clone();
        engine.change_cutoff = chrono::Duration::zero();
        let gate = door(&app, "gate".into()).await;
        let (today, later) = (app.slot(0, 16).await, app.slot(12, 16).await);
        app.set_capacity(today, 1000).await;
        for round in 0..100 {
            let (id, code) = app.ticket("ACTIVATED").await;
            let manage = reservation::reserve(&engine, &booking(&code, today)).await.expect("reserve").manage_token;
            let door = gate.clone();
            let (e, c, m) = (engine.clone(), code.clone(), manage.clone());
            let other = tokio::spawn(async move {
                if round % 2 == 0 {
                    reservation::cancel(&e, &c, Some(&m)).await.is_ok()
                } else {
                    reservation::reschedule(&e, &c, Some(&m), later).await.is_ok()
                }
            });
            let e = engine.clone();
            let verify = tokio::spawn(async move { admission::verify(&e, &door, id).await.is_ok() });
            let (other_won, admitted) = (other.await.expect("task"), verify.await.expect("task"));
            assert!(!(other_won && admitted), "round {round}: admitted and also cancelled or moved");
            if admitted {
                assert_eq!(app.status(id).await, "VERIFIED");
                assert!(reservation::cancel(&engine, &code, Some(&manage)).await.is_err());
                assert!(reservation::reschedule(&engine, &code, Some(&manage), later).await.is_err());
            }
            assert_counts_match(&app, &[today, later], &format!("verify round {round}")).await;
        }
    }
}

backend_tests! {
    /// After the races of `a_change_racing_two_cancels…`, the counter a capacity edit checks is
    /// still true: shrink A to what it holds, then book.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_capacity_edit_after_the_races_cannot_oversell(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (a, b) = race_a_change_against_two_cancels(&app, 150).await;
        let orq = app.orq().await;
        let held = app.booked(a).await;
        assert!(held >= 2, "the bystanders' seats in A: {held}");
        gatehouse::slots::resize::set_capacity(&app.engine, orq, None, a, held).await.expect("capacity");
        let (_, late) = app.ticket("ACTIVATED").await;
        let outcome = reservation::reserve(&app.engine, &booking(&late, a)).await;
        assert_eq!(outcome.err().map(|e| e.code()), Some("SLOT_FULL"));
        assert_counts_match(&app, &[a, b], "after the capacity edit").await;
    }
}

/// A second engine on the app's database: another server instance, with its own batcher.
fn another_instance(app: &TestApp) -> gatehouse::Engine {
    gatehouse::Engine::new(app.engine.db.clone(), app.engine.clock.clone())
}

backend_tests! {
    /// Two doors on two instances scan the same tickets at the same moment, one door in the
    /// other's order reversed, so each instance's batches hold tickets the other's want next.
    /// Every ticket is admitted exactly once, and the other door is told it was.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn tickets_verified_through_two_instances_at_once_are_each_admitted_once(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let today = app.slot(0, 16).await;
        app.set_capacity(today, 1000).await;
        let tickets = app.tickets("ACTIVATED", 60).await;
        for (_, code) in &tickets {
            reservation::reserve(&app.engine, &booking(code, today)).await.expect("reserve");
        }
        let gate = door(&app, "gate".into()).await;
        let engines = [Arc::new(app.engine.clone()), Arc::new(another_instance(&app))];
        let scan = |engine: &Arc<gatehouse::Engine>, id| {
            let (engine, door) = (engine.clone(), gate.clone());
            tokio::spawn(async move { admission::verify(&engine, &door, id).await })
        };
        let first: Vec<_> = tickets.iter().map(|(id, _)| scan(&engines[0], *id)).collect();
        let second: Vec<_> = tickets.iter().rev().map(|(id, _)| scan(&engines[1], *id)).collect();
        let mut second: Vec<_> = second.into_iter().rev().collect();
        for (((id, _), a), b) in tickets.iter().zip(first).zip(second.drain(..)) {
            assert_eq!(wins(vec![a, b], "ALREADY_VERIFIED").await, 1, "ticket {id}");
            assert_eq!(app.status(*id).await, "VERIFIED");
            let admissions =
                app.scalar("SELECT COUNT(*) FROM checkin_log WHERE ticket_id = $1 AND outcome = 'VERIFIED'", *id).await;
            assert_eq!(admissions, 1, "ticket {id}: one admission logged");
        }
    }
}

backend_tests! {
    /// A slot one instance saw full is bookable there again as soon as another instance frees a
    /// seat, whether or not the news of it has arrived: the mark is a hint, the seat is read.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_slot_seen_full_takes_a_booking_once_another_instance_frees_a_seat(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(10, 12).await;
        app.set_capacity(slot, 1).await;
        let other = another_instance(&app);
        let [(_, first), (_, second)]: [_; 2] = app.tickets("ACTIVATED", 2).await.try_into().expect("two");
        let manage = reservation::reserve(&app.engine, &booking(&first, slot)).await.expect("first").manage_token;
        for _ in 0..2 {
            let refused = reservation::reserve(&app.engine, &booking(&second, slot)).await;
            let refused = refused.expect_err("the slot is full");
            assert_eq!(refused.code(), "SLOT_FULL");
            assert!(refused.alternatives().is_some_and(|a| !a.is_empty()), "alternatives offered");
        }
        reservation::cancel(&other, &first, Some(&manage)).await.expect("cancelled on the other instance");
        reservation::reserve(&app.engine, &booking(&second, slot)).await.expect("the freed seat is taken");
        assert_counts_match(&app, &[slot], "after the freed seat was taken").await;
    }
}

/// Holds every booking's reservation insert (PostgreSQL) or the write lock (SQLite) until
/// committed, so the batch in progress waits and the bookings sent meanwhile queue up for one
/// batch after it.
async fn hold(app: &TestApp) -> Tx {
    let mut tx = app.engine.db.begin_write().await.expect("begin");
    if let Tx::Postgres(t) = &mut tx {
        sqlx::query("LOCK TABLE ticket_reservations IN EXCLUSIVE MODE")
            .execute(&mut **t)
            .await
            .expect("lock the reservations");
    }
    tx
}

/// Sends `bookings` at once while bookings are held, then lets them through: most land in one
/// batch (all but those of the batch already waiting). Answers each booking's outcome in order.
async fn in_one_batch(app: &TestApp, bookings: Vec<Booking>) -> Vec<Result<String, String>> {
    let held = hold(app).await;
    let engine = Arc::new(app.engine.clone());
    let attempts: Vec<_> = bookings
        .into_iter()
        .map(|b| {
            let engine = engine.clone();
            tokio::spawn(async move { reservation::reserve(&engine, &b).await })
        })
        .collect();
    // Time for every task to reach the batcher's queue: the wait is on the database, not a clock.
    tokio::time::sleep(Duration::from_millis(300)).await;
    held.commit().await.expect("release");
    let mut outcomes = Vec::new();
    for attempt in attempts {
        outcomes.push(match attempt.await.expect("task") {
            Ok(confirmed) => Ok(confirmed.ticket_code),
            Err(e) => Err(e.code().to_string()),
        });
    }
    outcomes
}

backend_tests! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn one_batch_of_twenty_bookings_for_five_seats_books_exactly_five(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(10, 12).await;
        app.set_capacity(slot, 5).await;
        let tickets = app.tickets("ACTIVATED", 20).await;
        let bookings = tickets.iter().map(|(_, code)| booking(code, slot)).collect();

        let outcomes = in_one_batch(&app, bookings).await;

        assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 5, "{outcomes:?}");
        assert!(outcomes.iter().all(|o| o.as_ref().err().is_none_or(|code| code == "SLOT_FULL")), "{outcomes:?}");
        assert_eq!(app.booked(slot).await, 5);
        assert_counts_match(&app, &[slot], "one batch").await;
        let full = app.text("SELECT status FROM reservation_slots WHERE id = $1", slot).await;
        assert_eq!(full, "FULL");
        let reserved = app.scalar("SELECT COUNT(*) FROM tickets WHERE status = 'RESERVED' AND customer_email = 'race@example.com' AND id > $1", 0).await;
        assert_eq!(reserved, 5, "only the winners' tickets are RESERVED");
        let messages = app.scalar("SELECT COUNT(*) FROM outbox WHERE slot_id = $1 AND kind = 'booked'", slot).await;
        assert_eq!(messages, 10, "each booking's e-mail and text, once");
    }
}

backend_tests! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn one_batch_books_a_ticket_sent_thrice_once_and_refuses_each_bad_booking_alone(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(10, 14).await;
        let tickets = app.tickets("ACTIVATED", 4).await;
        let (twice, good, mismatched, unconfirmed) = (&tickets[0], &tickets[1], &tickets[2], &tickets[3]);
        let (_, booked_before) = app.reserved(10, 12).await;
        let orq = app.orq().await;
        gatehouse::on_pool!(&app.engine.db, pool => sqlx::query("UPDATE organizations SET verify_contact = TRUE WHERE id = $1")
            .bind(orq).execute(pool).await.map(|_| ())).expect("verify contacts");
        for (id, _) in [twice, good, mismatched] {
            gatehouse::on_pool!(&app.engine.db, pool => sqlx::query(
                "INSERT INTO contact_verifications (orq, ticket_id, destination, code_hash, expires_at, verified_at, created_at)
                 VALUES ($1, $2, 'race@example.com', 'x', $3, $3, $3)")
                .bind(orq).bind(*id).bind(app.engine.now()).execute(pool).await.map(|_| ())).expect("confirm the contact");
        }
        let mut wrong_id = booking(&mismatched.1, slot);
        wrong_id.claimed_id = Some(good.0);
        let bookings = vec![
            booking(&twice.1, slot),
            booking(&good.1, slot),
            booking(&twice.1, slot),
            wrong_id,
            booking(&unconfirmed.1, slot),
            booking(&booked_before, slot),
            booking(&twice.1, slot),
        ];

        let outcomes = in_one_batch(&app, bookings).await;

        let won: Vec<&String> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
        assert_eq!(won.len(), 2, "{outcomes:?}");
        assert!(won.contains(&&twice.1.as_str().to_string()) && won.contains(&&good.1.as_str().to_string()));
        let refusals: Vec<&str> = outcomes.iter().filter_map(|o| o.as_ref().err().map(String::as_str)).collect();
        let mut refusals = refusals;
        refusals.sort_unstable();
        assert_eq!(
            refusals,
            ["CONTACT_NOT_VERIFIED", "TICKET_ALREADY_RESERVED", "TICKET_ALREADY_RESERVED", "TICKET_ALREADY_RESERVED", "TICKET_MISMATCH"]
        );
        assert_eq!(app.booked(slot).await, 2);
        assert_counts_match(&app, &[slot], "one batch").await;
        let twice_rows = app.scalar("SELECT COUNT(*) FROM ticket_reservations WHERE ticket_id = $1", twice.0).await;
        assert_eq!(twice_rows, 1, "the ticket sent thrice is booked once");
        for (id, _) in [mismatched, unconfirmed] {
            assert_eq!(app.status(*id).await, "ACTIVATED");
        }
    }
}

backend_tests! {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn one_batch_for_three_slots_fills_each_exactly_and_books_a_ticket_sent_to_two_once(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (a, b, c) = (app.slot(10, 12).await, app.slot(11, 14).await, app.slot(12, 10).await);
        let (a_before, b_before, c_before) = (app.booked(a).await, app.booked(b).await, app.booked(c).await);
        app.set_capacity(a, a_before + 2).await;
        app.set_capacity(b, b_before + 3).await;
        let tickets = app.tickets("ACTIVATED", 12).await;
        let codes: Vec<&TicketCode> = tickets.iter().map(|(_, code)| code).collect();
        let mut bookings: Vec<Booking> = Vec::new();
        bookings.extend(codes[0..4].iter().map(|code| booking(code, a)));
        bookings.extend(codes[4..9].iter().map(|code| booking(code, b)));
        bookings.extend(codes[9..12].iter().map(|code| booking(code, c)));
        // The last ticket for slot A too: it is booked into one of the two, whichever comes first.
        bookings.push(booking(codes[11], a));

        let outcomes = in_one_batch(&app, bookings).await;

        let refusals: Vec<&str> = outcomes.iter().filter_map(|o| o.as_ref().err().map(String::as_str)).collect();
        assert!(refusals.iter().all(|code| ["SLOT_FULL", "TICKET_ALREADY_RESERVED"].contains(code)), "{outcomes:?}");
        assert!(outcomes[11].is_ok() != outcomes[12].is_ok(), "the ticket sent twice is booked once: {outcomes:?}");
        let in_c = usize::from(outcomes[11].is_ok());
        let won = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(won, 2 + 3 + 2 + in_c, "A and B filled, C took every ticket it was sent: {outcomes:?}");
        assert_eq!(app.booked(a).await, a_before + 2);
        assert_eq!(app.booked(b).await, b_before + 3);
        assert_eq!(app.booked(c).await, c_before + 2 + in_c as i64);
        assert_counts_match(&app, &[a, b, c], "one batch, three slots").await;
        for slot in [a, b] {
            assert_eq!(app.text("SELECT status FROM reservation_slots WHERE id = $1", slot).await, "FULL");
        }
        let rows = app.scalar("SELECT COUNT(*) FROM ticket_reservations WHERE ticket_id = $1", tickets[11].0).await;
        assert_eq!(rows, 1, "the ticket sent to two slots has one reservation");
        let reserved = app.scalar("SELECT COUNT(*) FROM tickets WHERE status = 'RESERVED' AND customer_email = 'race@example.com' AND id > $1", 0).await;
        assert_eq!(reserved, won as i64, "only the winners' tickets are RESERVED");
        let messages = app.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'booked' AND recipient = 'race@example.com' AND id > $1", 0).await;
        assert_eq!(messages, won as i64, "each booking's e-mail, once");
    }
}
