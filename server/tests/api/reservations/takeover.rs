//! A booking needs the ticket's code: a guessable id alone books nothing and reveals nothing.
use crate::support::{backend_tests, code_of, Backend, TestApp};
use gatehouse::ids::{SlotId, TicketId};
use serde_json::{json, Value};

/// A booking body with the attacker's contact details.
fn attackers(mut body: Value) -> Value {
    body["customer_email"] = json!("attacker@example.com");
    body["customer_phone"] = json!("+12025550100");
    body
}

/// Books by ticket id alone (no code): the victim's into a real slot and into none, a ticket
/// that does not exist, and the next ticket into none. The answers, each asserted refused.
async fn book_by_id_alone(app: &TestApp, victim: TicketId, slot: SlotId) -> Vec<Value> {
    let probes =
        [(victim, slot), (victim, SlotId(-1)), (TicketId(999_999), slot), (TicketId(victim.0 + 1), SlotId(-1))];
    let mut answers = Vec::new();
    for (id, slot) in probes {
        let (status, body) =
            app.post("/api/reservations/create", attackers(json!({ "ticket_id": id, "slot_id": slot }))).await;
        assert_eq!((status, code_of(&body)), (400, "TICKET_CODE_REQUIRED"), "{body}");
        answers.push(body);
    }
    answers
}

/// Books the victim's ticket id with another ticket's code: the answer, asserted refused.
async fn book_with_another_tickets_code(app: &TestApp, victim: TicketId, slot: SlotId) -> Value {
    let (_, attacker_code) = app.ticket("ACTIVATED").await;
    let body = attackers(json!({ "ticket_code": attacker_code.as_str(), "ticket_id": victim, "slot_id": slot }));
    let (status, body) = app.post("/api/reservations/create", body).await;
    assert_eq!((status, code_of(&body)), (400, "TICKET_MISMATCH"), "{body}");
    body
}

/// The slot row as a refused booking must leave it: its counter and its last update.
async fn slot_row(app: &TestApp, slot: SlotId) -> (i64, String) {
    gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as::<_, (i64, String)>(
        "SELECT booked_count, CAST(updated_at AS TEXT) FROM reservation_slots WHERE id = $1").bind(slot).fetch_one(pool).await)
    .expect("slot")
}

backend_tests! {
    /// The takeover the attacker found: a guessable ticket id was enough to book someone else's
    /// paid ticket and be answered its secret code. Without the code: refused, and no answer
    /// tells one ticket's state from another's.
    async fn a_booking_by_ticket_id_without_its_code_is_refused_alike_for_every_id(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(3, 12).await;
        let (victim, victim_code) = app.ticket("ACTIVATED").await;
        let mut answers: Vec<String> = book_by_id_alone(&app, victim, slot).await.iter().map(Value::to_string).collect();
        for answer in &answers {
            assert!(!answer.contains(victim_code.as_str()), "the code leaked: {answer}");
        }
        answers.dedup();
        assert_eq!(answers.len(), 1, "every id is answered alike: {answers:?}");
    }
}

backend_tests! {
    /// Another ticket's code with the victim's id: refused without saying which is wrong.
    async fn a_booking_with_another_tickets_code_is_refused_without_saying_which_is_wrong(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(3, 12).await;
        let (victim, victim_code) = app.ticket("ACTIVATED").await;
        let body = book_with_another_tickets_code(&app, victim, slot).await;
        assert!(!body.to_string().contains(victim_code.as_str()), "the code leaked: {body}");
    }
}

backend_tests! {
    /// Nothing changes: the victim's ticket, the slot's counter, not even its row's timestamp.
    async fn a_booking_refused_for_its_code_writes_nothing_not_even_the_slots_timestamp(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(3, 12).await;
        let (victim, _) = app.ticket("ACTIVATED").await;
        let before = slot_row(&app, slot).await;
        book_by_id_alone(&app, victim, slot).await;
        book_with_another_tickets_code(&app, victim, slot).await;
        assert_eq!(app.status(victim).await, "ACTIVATED");
        assert_eq!(before, slot_row(&app, slot).await, "a refused booking wrote the slot row");
    }
}

backend_tests! {
    /// The holder, with the code, books; the id may come along when it is the code's own.
    async fn the_holder_books_with_the_code_and_the_tickets_own_id(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(3, 12).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let body = attackers(json!({ "ticket_code": code.as_str(), "ticket_id": ticket, "slot_id": slot }));
        let (status, body) = app.post("/api/reservations/create", body).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["data"]["manage_token"].as_str().is_some_and(|t| t.len() >= 32), "{body}");
    }
}
