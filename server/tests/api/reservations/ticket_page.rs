//! The ticket's page, its QR code, its ticket card and its visit as a calendar event.
use super::ticket_page;
use crate::support::{backend_tests, qr_codes_in, venue_day, Backend, TestApp};
use gatehouse::tickets::signed::SignedTicket;

backend_tests! {
    async fn a_ticket_page_shows_no_qr_code_before_a_reservation(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, code) = app.ticket("ACTIVATED").await;
        assert!(!ticket_page(&app, &code).await.contains("<svg"), "no QR code before a reservation");
    }
}

backend_tests! {
    async fn a_reserved_ticket_page_shows_its_qr_code(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, code) = app.reserved(5, 12).await;
        let page = ticket_page(&app, &code).await;
        assert!(page.contains("Visit booked") && page.contains("<svg"), "{page}");
    }
}

backend_tests! {
    /// "12:00–2:00 PM" alone reads like a two-hour visit: the page says what the time means.
    async fn a_reserved_ticket_page_says_when_to_come_in_and_an_unreserved_one_does_not(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let advice = gatehouse::slots::arrival::Arrival::During.advice();
        let (_, code) = app.reserved(5, 12).await;
        assert!(ticket_page(&app, &code).await.contains(advice), "the advice on a reserved ticket");
        let (_, unreserved) = app.ticket("ACTIVATED").await;
        assert!(!ticket_page(&app, &unreserved).await.contains(advice), "no time, nothing to advise");
    }
}

backend_tests! {
    /// That notice is for the page right after booking; a look-up is not a confirmation.
    async fn a_plain_look_up_of_a_reserved_ticket_does_not_say_reservation_confirmed(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, code) = app.reserved(5, 12).await;
        let page = ticket_page(&app, &code).await;
        assert!(page.contains("Visit booked") && !page.contains("Reservation confirmed"), "{page}");
    }
}

backend_tests! {
    async fn a_reserved_ticket_offers_its_visit_as_an_ics_event(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, code) = app.reserved(5, 12).await;
        let res = app.get(&format!("/tickets/{code}/visit.ics")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "text/calendar; charset=utf-8");
        let ics = res.text().await.expect("body");
        // Noon in New York on 28 November is 17:00 UTC.
        assert!(ics.contains("DTSTART:20261128T170000Z\r\n") && ics.contains("DTEND:20261128T190000Z\r\n"), "{ics}");
    }
}

backend_tests! {
    async fn a_ticket_without_a_reservation_has_no_ics_event(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, unreserved) = app.ticket("ACTIVATED").await;
        assert_eq!(app.get(&format!("/tickets/{unreserved}/visit.ics")).await.status(), 404);
    }
}

backend_tests! {
    async fn a_reserved_ticket_downloads_its_card_whose_qr_code_is_the_signed_ticket(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, code) = app.reserved(5, 12).await;
        let res = app.get(&format!("/tickets/{code}/card.png")).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/png");
        let disposition = res.headers()["content-disposition"].to_str().expect("ascii").to_string();
        assert_eq!(disposition, format!("attachment; filename=\"ticket-{code}.png\""));
        let png = res.bytes().await.expect("body");
        let read = qr_codes_in(&png);
        assert_eq!(read.len(), 1, "{read:?}");
        let payload = SignedTicket::parse(&read[0]).expect("a signed payload");
        assert_eq!((payload.code(), payload.date()), (&code, Some(venue_day(5))));
    }
}

backend_tests! {
    async fn a_ticket_without_a_reservation_has_no_card(backend: Backend) {
        let app = TestApp::with_demo(backend).await;
        let (_, unreserved) = app.ticket("ACTIVATED").await;
        assert_eq!(app.get(&format!("/tickets/{unreserved}/card.png")).await.status(), 404);
    }
}

#[tokio::test]
async fn a_malformed_code_has_no_card() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    assert_eq!(app.get("/tickets/TKT-NOPE/card.png").await.status(), 400);
}
