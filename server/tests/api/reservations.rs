//! Booking, changing and cancelling through the REST API, on every backend.
use gatehouse::ids::{SlotId, TicketId};
use serde_json::json;
use crate::support::{backend_tests, code_of, Backend, TestApp};

backend_tests! {
    async fn an_activated_ticket_books_a_slot_and_everything_changes_together(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let slot = app.slot(1, 12).await;
        let before = app.booked(slot).await;
        let (status, body) = app.reserve(ticket, slot).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        assert_eq!(body["data"]["ticket_code"], code.as_str());
        assert_eq!(body["data"]["slot"]["start_time"], "12:00:00");
        assert_eq!(body["data"]["confirmation_sent"], false);
        let qr = body["data"]["qr_code_url"].as_str().expect("qr_code_url");
        let png = app.get(qr).await;
        assert_eq!(png.headers()["content-type"], "image/png");
        assert_eq!(&png.bytes().await.expect("body")[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(app.booked(slot).await, before + 1);
        assert_eq!(app.status(ticket).await, "RESERVED");
        assert_eq!(
            app.text("SELECT customer_phone FROM ticket_reservations WHERE ticket_id = $1", ticket).await,
            "+12025551234"
        );
    }
}

backend_tests! {
    async fn validating_for_reservation_names_each_refusal(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, activated) = app.ticket("ACTIVATED").await;
        let (status, body) = app.post("/api/tickets/validate", json!({ "ticket_code": activated.as_str() })).await;
        assert_eq!((status, body["data"]["status"].as_str()), (200, Some("ACTIVATED")), "{backend:?}");

        for (ticket_status, http, code) in [
            ("PENDING_PAYMENT", 400, "TICKET_NOT_ACTIVATED"),
            ("EXPIRED", 400, "TICKET_EXPIRED"),
            ("VERIFIED", 400, "TICKET_ALREADY_VERIFIED"),
        ] {
            let (_, c) = app.ticket(ticket_status).await;
            let (status, body) = app.post("/api/tickets/validate", json!({ "ticket_code": c.as_str() })).await;
            assert_eq!((status, code_of(&body)), (http, code), "{backend:?} {ticket_status}");
            assert_eq!(body["success"], false);
        }

        let (id, reserved) = app.ticket("ACTIVATED").await;
        let slot = app.slot(3, 14).await;
        app.reserve(id, slot).await;
        let (status, body) = app.post("/api/tickets/validate", json!({ "ticket_code": reserved.as_str() })).await;
        assert_eq!((status, code_of(&body)), (409, "TICKET_ALREADY_RESERVED"), "{backend:?}");
        assert_eq!(body["error"]["reserved_date"], "2026-11-26");
        assert!(body["error"]["message"].as_str().unwrap_or("").contains("2026-11-26"));

        let (status, body) =
            app.post("/api/tickets/validate", json!({ "ticket_code": "TKT-0000-000000-000000-00000" })).await;
        assert_eq!((status, code_of(&body)), (404, "TICKET_NOT_FOUND"));
        let (status, body) =
            app.post("/api/tickets/validate", json!({ "ticket_code": "TKT-0000-000000-000000-00001" })).await;
        assert_eq!((status, code_of(&body)), (400, "TICKET_CODE_CHECK_FAILED"));
    }
}

backend_tests! {
    async fn a_full_slot_answers_409_with_nearby_alternatives_and_changes_nothing(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(5, 12).await;
        app.set_capacity(slot, 1).await;
        let (first, _) = app.ticket("ACTIVATED").await;
        let (second, _) = app.ticket("ACTIVATED").await;
        assert_eq!(app.reserve(first, slot).await.0, 200);
        let (status, body) = app.reserve(second, slot).await;
        assert_eq!((status, code_of(&body)), (409, "SLOT_FULL"), "{backend:?}: {body}");
        let alternatives = body["error"]["alternative_slots"].as_array().expect("alternatives");
        assert_eq!(alternatives.len(), 3);
        let starts: Vec<&str> = alternatives.iter().map(|a| a["start_time"].as_str().unwrap_or("")).collect();
        // Nearest in time to that day's 12:00: the same day's 10:00, 14:00 and 16:00.
        assert_eq!(starts, ["10:00:00", "14:00:00", "16:00:00"], "{backend:?}");
        assert_eq!(app.status(second).await, "ACTIVATED");
        assert_eq!(app.booked(slot).await, 1);
        assert_eq!(app.text("SELECT status FROM reservation_slots WHERE id = $1", slot).await, "FULL");
    }
}

backend_tests! {
    async fn started_and_closed_slots_cannot_be_booked(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, _) = app.ticket("ACTIVATED").await;
        // The test clock is 10:00 in New York: today's 10:00 slot has just started.
        let (status, body) = app.reserve(ticket, app.slot(0, 10).await).await;
        assert_eq!((status, code_of(&body)), (400, "SLOT_IN_PAST"), "{backend:?}");
        let closed = app.slot(2, 10).await;
        gatehouse::on_pool!(&app.engine.db, pool => sqlx::query("UPDATE reservation_slots SET status = 'CLOSED' WHERE id = $1")
            .bind(closed).execute(pool).await.map(|_| ())).expect("close");
        let (status, body) = app.reserve(ticket, closed).await;
        assert_eq!((status, code_of(&body)), (400, "SLOT_CLOSED"), "{backend:?}");
        let (status, body) = app.reserve(ticket, SlotId(999_999)).await;
        assert_eq!((status, code_of(&body)), (404, "SLOT_NOT_FOUND"));
        assert_eq!(app.status(ticket).await, "ACTIVATED");
    }
}

backend_tests! {
    async fn bad_contact_details_are_refused_before_anything_is_written(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, ticket_code) = app.ticket("ACTIVATED").await;
        let slot = app.slot(1, 12).await;
        let before = app.booked(slot).await;
        for (email, phone, code) in
            [("john@", "+12025551234", "INVALID_EMAIL"), ("john@example.com", "2025551234", "INVALID_PHONE")]
        {
            let body = json!({ "ticket_code": ticket_code.as_str(), "slot_id": slot,
                               "customer_email": email, "customer_phone": phone });
            let (status, body) = app.post("/api/reservations/create", body).await;
            assert_eq!((status, code_of(&body)), (400, code), "{backend:?}");
        }
        assert_eq!(app.booked(slot).await, before);
        assert_eq!(app.status(ticket).await, "ACTIVATED");
    }
}

#[tokio::test]
async fn malformed_requests_get_specific_4xx_codes() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let url = format!("{}/api/tickets/validate", app.base);
    let send = |body: String, content_type: &'static str| {
        let req = app.http.post(&url).header("content-type", content_type).body(body);
        async move {
            let res = req.send().await.expect("request");
            let status = res.status().as_u16();
            let json: serde_json::Value = res.json().await.expect("json");
            (status, json["error"]["code"].as_str().unwrap_or("").to_string())
        }
    };
    assert_eq!(send("{\"ticket_code\": ".into(), "application/json").await, (400, "MALFORMED_JSON".into()));
    assert_eq!(
        send("{\"ticket_code\":\"x\",\"extra\":1}".into(), "application/json").await,
        (400, "INVALID_FIELD".into())
    );
    assert_eq!(send("{}".into(), "application/json").await, (400, "INVALID_FIELD".into()));
    assert_eq!(send("{\"ticket_code\":\"x\"}".into(), "text/plain").await, (415, "UNSUPPORTED_MEDIA_TYPE".into()));
    let huge = format!("{{\"ticket_code\":\"{}\"}}", "A".repeat(20_000));
    assert_eq!(send(huge, "application/json").await, (413, "PAYLOAD_TOO_LARGE".into()));
    let (status, body) = app.get_json("/api/no/such/endpoint").await;
    assert_eq!((status, code_of(&body)), (404, "NOT_FOUND"));
}

backend_tests! {
    async fn month_availability_follows_the_prd_shape(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let orq = app.orq().await;
        let (status, body) = app.get_json(&format!("/api/reservation-slots/available?month=2026-11&orq={orq}")).await;
        assert_eq!(status, 200, "{backend:?}");
        let slots = body["data"].as_array().expect("data");
        // 16..30 November: 15 days × 4 slots (the demo starts 7 days back, on the 16th).
        assert_eq!(slots.len(), 60, "{backend:?}");
        assert_eq!(body["metadata"]["total_slots"], 60);
        assert_eq!(body["metadata"]["month"], "2026-11");
        let half_full =
            slots.iter().find(|s| s["date"] == "2026-11-25" && s["start_time"] == "12:00:00").expect("slot");
        assert_eq!(
            (half_full["available_count"].as_i64(), half_full["capacity_status"].as_str()),
            (Some(100), Some("LIMITED"))
        );
        assert_eq!(slots[0]["bookable"], false, "past slots are listed but not bookable");

        let (status, body) = app.get_json(&format!("/api/reservation-slots/available?month=2026-13&orq={orq}")).await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_MONTH"));
        let (status, body) = app.get_json("/api/reservation-slots/available?month=2026-11").await;
        assert_eq!((status, code_of(&body)), (400, "MISSING_PARAMETER"));
        let (status, body) = app.get_json("/api/reservation-slots/available?orq=abc").await;
        assert_eq!((status, code_of(&body)), (400, "INVALID_PARAMETER"));
        let (status, body) = app.get_json("/api/reservation-slots/available?orq=424242").await;
        assert_eq!((status, code_of(&body)), (404, "ORGANIZATION_NOT_FOUND"));
    }
}

backend_tests! {
    async fn a_reservation_moves_to_another_slot_and_frees_the_old_seat(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let (old, new) = (app.slot(3, 12).await, app.slot(4, 14).await);
        let manage = app.reserve_managed(ticket, old).await;
        let (b_old, b_new) = (app.booked(old).await, app.booked(new).await);
        let (status, body) = app.change(code.as_str(), &manage, new).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        assert_eq!(body["data"]["manage_token"], manage.as_str(), "the link stays the same");
        assert_eq!(body["data"]["slot"]["date"], "2026-11-27");
        assert_eq!(body["data"]["qr_code_url"], format!("/tickets/{code}/qr.png"));
        assert_eq!((app.booked(old).await, app.booked(new).await), (b_old - 1, b_new + 1));
        let (status, body) = app.change(code.as_str(), &manage, new).await;
        assert_eq!((status, code_of(&body)), (409, "SAME_SLOT"));
    }
}

backend_tests! {
    async fn moving_into_a_full_slot_keeps_the_old_seat(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let (old, full) = (app.slot(3, 12).await, app.slot(4, 14).await);
        app.set_capacity(full, 0).await;
        let manage = app.reserve_managed(ticket, old).await;
        let (status, body) = app.change(code.as_str(), &manage, full).await;
        assert_eq!((status, code_of(&body)), (409, "SLOT_FULL"), "{backend:?}");
        assert_eq!(app.booked(old).await, 1);
        assert_eq!(app.status(ticket).await, "RESERVED");
    }
}

backend_tests! {
    async fn cancelling_frees_the_seat_and_the_ticket_can_book_again(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let slot = app.slot(3, 12).await;
        let manage = app.reserve_managed(ticket, slot).await;
        let (status, _) = app.cancel(code.as_str(), &manage).await;
        assert_eq!(status, 200, "{backend:?}");
        assert_eq!((app.status(ticket).await.as_str(), app.booked(slot).await), ("ACTIVATED", 0));
        assert_eq!(app.reserve(ticket, slot).await.0, 200, "a cancelled ticket books again");
        let (status, body) = app.cancel("TKT-0000-000000-000000-00000", &manage).await;
        assert_eq!((status, code_of(&body)), (404, "TICKET_NOT_FOUND"));
    }
}

backend_tests! {
    async fn changes_stop_24_hours_before_the_visit(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let slot = app.slot(1, 10).await; // tomorrow 10:00, exactly 24 h after the test clock
        let manage = app.reserve_managed(ticket, slot).await;
        let booked = app.booked(slot).await;
        let (status, body) = app.cancel(code.as_str(), &manage).await;
        assert_eq!((status, code_of(&body)), (400, "CHANGE_CUTOFF_PASSED"), "{backend:?}");
        let other = app.slot(5, 12).await;
        let (status, body) = app.change(code.as_str(), &manage, other).await;
        assert_eq!((status, code_of(&body)), (400, "CHANGE_CUTOFF_PASSED"), "{backend:?}");
        assert_eq!((app.booked(slot).await, app.booked(other).await), (booked, 0));
    }
}

backend_tests! {
    async fn another_organizations_slot_cannot_be_booked_or_moved_into(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let foreign = app.slot(5, 14).await;
        gatehouse::on_pool!(&app.engine.db, pool => async {
            let (other,): (i64,) = sqlx::query_as(
                "INSERT INTO organizations (slug, name, created_at) VALUES ('other', 'Other', $1) RETURNING id")
                .bind(app.engine.now()).fetch_one(pool).await?;
            sqlx::query("UPDATE reservation_slots SET orq = $2 WHERE id = $1").bind(foreign).bind(other).execute(pool).await.map(|_| ())
        }.await).expect("move slot");
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let (status, body) = app.reserve(ticket, foreign).await;
        assert_eq!((status, code_of(&body)), (404, "SLOT_NOT_FOUND"), "{backend:?}");
        assert_eq!((app.status(ticket).await.as_str(), app.booked(foreign).await), ("ACTIVATED", 0));
        let manage = app.reserve_managed(ticket, app.slot(5, 12).await).await;
        let (status, body) = app.change(code.as_str(), &manage, foreign).await;
        assert_eq!((status, code_of(&body)), (404, "SLOT_NOT_FOUND"), "{backend:?}");
        assert_eq!(app.booked(foreign).await, 0);
    }
}

backend_tests! {
    async fn a_reserved_ticket_page_shows_its_qr_code_and_offers_the_visit_as_an_ics_event(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let before = app.get(&format!("/ticket?code={code}")).await.text().await.expect("body");
        assert!(!before.contains("<svg"), "{backend:?}: no QR code before a reservation");
        app.reserve(ticket, app.slot(5, 12).await).await;
        let page = app.get(&format!("/ticket?code={code}")).await.text().await.expect("body");
        assert!(page.contains("Reservation confirmed") && page.contains("<svg"), "{backend:?}");
        let res = app.get(&format!("/tickets/{code}/visit.ics")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/calendar; charset=utf-8");
        let ics = res.text().await.expect("body");
        // Noon in New York on 28 November is 17:00 UTC.
        assert!(
            ics.contains("DTSTART:20261128T170000Z\r\n") && ics.contains("DTEND:20261128T190000Z\r\n"),
            "{backend:?}: {ics}"
        );
        let (_, unreserved) = app.ticket("ACTIVATED").await;
        assert_eq!(app.get(&format!("/tickets/{unreserved}/visit.ics")).await.status(), 404);
    }
}

backend_tests! {
    /// The takeover the attacker found: a guessable ticket id was enough to book someone else's paid
    /// ticket and be answered its secret code.
    async fn a_reservation_needs_the_ticket_code_and_an_id_alone_reveals_nothing(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let slot = app.slot(3, 12).await;
        let (victim, victim_code) = app.ticket("ACTIVATED").await;
        let (_, attacker_code) = app.ticket("ACTIVATED").await;
        let before = gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as::<_, (i64, String)>(
            "SELECT booked_count, CAST(updated_at AS TEXT) FROM reservation_slots WHERE id = $1").bind(slot).fetch_one(pool).await)
        .expect("slot");
        let contact = |body: serde_json::Value| {
            let mut body = body;
            body["customer_email"] = json!("attacker@example.com");
            body["customer_phone"] = json!("+12025550100");
            body
        };
        // Without the code: refused, and no answer tells one ticket's state from another's.
        let mut answers = Vec::new();
        for (id, probe) in [(victim, slot), (victim, SlotId(-1)), (TicketId(999_999), slot), (TicketId(victim.0 + 1), SlotId(-1))] {
            let (status, body) =
                app.post("/api/reservations/create", contact(json!({ "ticket_id": id, "slot_id": probe }))).await;
            assert_eq!((status, code_of(&body)), (400, "TICKET_CODE_REQUIRED"), "{backend:?}: {body}");
            assert!(!body.to_string().contains(victim_code.as_str()), "{backend:?}: the code leaked");
            answers.push(body.to_string());
        }
        answers.dedup();
        assert_eq!(answers.len(), 1, "{backend:?}: every id is answered alike: {answers:?}");
        // Another ticket's code with the victim's id: refused without saying which is wrong.
        let body = contact(json!({ "ticket_code": attacker_code.as_str(), "ticket_id": victim, "slot_id": slot }));
        let (status, body) = app.post("/api/reservations/create", body).await;
        assert_eq!((status, code_of(&body)), (400, "TICKET_MISMATCH"), "{backend:?}: {body}");
        assert!(!body.to_string().contains(victim_code.as_str()));
        // Nothing changed: the victim's ticket, the slot's counter, not even its row's timestamp.
        assert_eq!(app.status(victim).await, "ACTIVATED");
        let after = gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as::<_, (i64, String)>(
            "SELECT booked_count, CAST(updated_at AS TEXT) FROM reservation_slots WHERE id = $1").bind(slot).fetch_one(pool).await)
        .expect("slot");
        assert_eq!(before, after, "{backend:?}: a refused booking wrote the slot row");
        // The holder, with the code, books; the id may come along when it is the code's own.
        let body = contact(json!({ "ticket_code": victim_code.as_str(), "ticket_id": victim, "slot_id": slot }));
        let (status, body) = app.post("/api/reservations/create", body).await;
        assert_eq!(status, 200, "{backend:?}: {body}");
        assert!(body["data"]["manage_token"].as_str().is_some_and(|t| t.len() >= 32), "{body}");
    }
}

backend_tests! {
    /// The ticket code is the door QR: whoever saw it (a photo is enough) may see the visit, but
    /// changing, cancelling and the full contact details need the management token.
    async fn changing_cancelling_and_contact_details_need_the_management_token(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (ticket, code) = app.ticket("ACTIVATED").await;
        let (slot, other) = (app.slot(3, 12).await, app.slot(4, 12).await);
        let manage = app.reserve_managed(ticket, slot).await;
        let stored = app.text("SELECT manage_hash FROM ticket_reservations WHERE ticket_id = $1", ticket).await;
        assert!(!stored.contains(&manage), "{backend:?}: only a digest is stored");

        for (body, want) in [
            (json!({ "ticket_code": code.as_str(), "slot_id": other }), "MANAGE_TOKEN_REQUIRED"),
            (
                json!({ "ticket_code": code.as_str(), "slot_id": other, "manage_token": "m0123" }),
                "MANAGE_TOKEN_INVALID",
            ),
        ] {
            let (status, answer) = app.post("/api/reservations/change", body.clone()).await;
            assert_eq!((status, code_of(&answer)), (403, want), "{backend:?}: {answer}");
            let mut cancel = body;
            cancel.as_object_mut().map(|o| o.remove("slot_id"));
            let (status, answer) = app.post("/api/reservations/cancel", cancel).await;
            assert_eq!((status, code_of(&answer)), (403, want), "{backend:?}: {answer}");
        }
        // Another reservation's token does not open this one.
        let (stranger, _) = app.ticket("ACTIVATED").await;
        let foreign = app.reserve_managed(stranger, other).await;
        assert_eq!(code_of(&app.cancel(code.as_str(), &foreign).await.1), "MANAGE_TOKEN_INVALID");
        assert_eq!(
            (app.status(ticket).await.as_str(), app.booked(slot).await, app.booked(other).await),
            ("RESERVED", 1, 1)
        );

        // The ticket page: masked details with the code alone, in full with the token.
        let page = app.get(&format!("/ticket?code={code}")).await.text().await.expect("page");
        assert!(page.contains("j•••@example.com") && page.contains("•••• 1234"), "{backend:?}");
        assert!(!page.contains("john@example.com") && !page.contains("Change date or time"), "{backend:?}");
        let page = app.get(&format!("/ticket?code={code}&manage={manage}")).await.text().await.expect("page");
        assert!(page.contains("john@example.com") && page.contains("Change date or time"), "{backend:?}");
        // The booking flow will not move a booked visit without it either.
        let page = app.get(&format!("/reserve?ticket={code}")).await.text().await.expect("page");
        assert!(page.contains("already reserved") && !page.contains("Choose another day"), "{backend:?}");

        assert_eq!(app.cancel(code.as_str(), &manage).await.0, 200, "{backend:?}");
        assert_eq!(app.status(ticket).await, "ACTIVATED");
    }
}
