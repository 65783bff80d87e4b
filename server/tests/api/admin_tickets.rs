//! Tickets for admins, on both databases: issuing a batch, importing a CSV all or nothing,
//! marking an order paid, finding a ticket by code, e-mail or phone, a ticket's history, and
//! another organization's tickets staying out of sight.
use crate::support::{backend_tests, Backend, TestApp};
use gatehouse::audit::{self, Action, Filter, Subject};
use gatehouse::error::DomainError;
use gatehouse::ids::{OrderId, OrgId, ProductId, UserId};
use gatehouse::tickets::code::TicketCode;
use gatehouse::tickets::history::{history, Happening};
use gatehouse::tickets::import::{import, ImportError};
use gatehouse::tickets::issue::{issue, IssueError, MAX_ISSUE};
use gatehouse::tickets::order::tickets_of;
use gatehouse::tickets::payment::mark_order_paid;
use gatehouse::tickets::search::{search, SearchKey};

struct Admin {
    app: TestApp,
    orq: OrgId,
    id: UserId,
    product: ProductId,
}

impl Admin {
    async fn new(backend: Backend) -> Admin {
        let app = TestApp::with_demo(backend).await;
        let orq = app.orq().await;
        let user = gatehouse::staff::user_by_username(&app.engine.db, "admin").await.expect("query").expect("admin");
        let product = gatehouse::tickets::product::products(&app.engine.db, orq).await.expect("products")[0].id;
        Admin { app, orq, id: user.id, product }
    }

    async fn count(&self, sql: &str) -> i64 {
        self.app.scalar(sql, self.orq).await
    }

    async fn tickets_and_orders(&self) -> (i64, i64) {
        (
            self.count("SELECT COUNT(*) FROM tickets WHERE orq = $1").await,
            self.count("SELECT COUNT(*) FROM orders WHERE orq = $1").await,
        )
    }

    async fn import(&self, csv: &str) -> Result<gatehouse::tickets::import::Imported, ImportError> {
        import(&self.app.engine, self.orq, Some(self.id), self.product, csv.as_bytes()).await
    }

    async fn find(&self, typed: &str) -> Vec<String> {
        let key = SearchKey::parse(typed).expect("a search key");
        let found = search(&self.app.engine.db, self.orq, &key).await.expect("search");
        found.tickets.into_iter().map(|t| t.code).collect()
    }

    async fn audit_of(&self, order: OrderId) -> Vec<audit::Entry> {
        let filter = Filter { subject: Some(Subject::Order(order.0).key()), ..Filter::default() };
        audit::list(&self.app.engine.db, self.orq, &filter).await.expect("audit")
    }
}

fn codes(n: usize) -> Vec<TicketCode> {
    let mut rng = rand::rng();
    (0..n).map(|_| TicketCode::generate(2026, &mut rng)).collect()
}

backend_tests! {
    async fn issuing_writes_n_activated_tickets_in_one_order_with_its_audit_entry(backend: Backend) {
        let admin = Admin::new(backend).await;
        let issued = issue(&admin.app.engine, admin.orq, Some(admin.id), admin.product, 500).await.expect("issued");
        assert_eq!((issued.count, issued.product.as_str()), (500, "General admission"));

        let tickets = tickets_of(&admin.app.engine.db, admin.orq, issued.order_id).await.expect("tickets");
        assert_eq!(tickets.len(), 500);
        assert!(tickets.iter().all(|t| t.status.as_str() == "ACTIVATED" && TicketCode::parse(&t.code).is_ok()));
        let distinct: std::collections::HashSet<_> = tickets.iter().map(|t| &t.code).collect();
        assert_eq!(distinct.len(), 500);
        assert_eq!(admin.app.text("SELECT status FROM orders WHERE id = $1", issued.order_id).await, "PAID");

        let entries = admin.audit_of(issued.order_id).await;
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert_eq!(entries[0].action, Action::TicketsIssued);
        assert_eq!(entries[0].actor, "Adam Admin");
        assert_eq!(entries[0].summary, "500 tickets for General admission");
        assert_eq!(entries[0].at, admin.app.engine.now());
    }

    async fn the_largest_batch_and_the_largest_import_are_written_whole(backend: Backend) {
        let admin = Admin::new(backend).await;
        let started = std::time::Instant::now();
        let issued = issue(&admin.app.engine, admin.orq, Some(admin.id), admin.product, MAX_ISSUE).await.expect("issued");
        let issuing = started.elapsed();
        let rows: String = codes(gatehouse::tickets::import::MAX_ROWS).iter().map(|c| format!("{c},,+1 202 555 0143\n")).collect();
        let started = std::time::Instant::now();
        let imported = admin.import(&format!("code,email,phone\n{rows}")).await.expect("imported");
        let importing = started.elapsed();
        eprintln!("{backend:?}: issuing {MAX_ISSUE} took {issuing:?}; importing {} rows took {importing:?}", gatehouse::tickets::import::MAX_ROWS);
        let count = |order: OrderId| admin.app.scalar("SELECT COUNT(*) FROM tickets WHERE order_id = $1", order);
        assert_eq!(count(issued.order_id).await, i64::from(MAX_ISSUE));
        assert_eq!(count(imported.order_id).await, gatehouse::tickets::import::MAX_ROWS as i64);
    }

    async fn issuing_none_too_many_or_for_another_organizations_product_writes_nothing(backend: Backend) {
        let admin = Admin::new(backend).await;
        let before = admin.tickets_and_orders().await;
        for count in [0, MAX_ISSUE + 1] {
            let refused = issue(&admin.app.engine, admin.orq, Some(admin.id), admin.product, count).await;
            assert!(matches!(refused, Err(IssueError::CountOutOfRange { max: MAX_ISSUE })), "{count}: {refused:?}");
            assert_eq!(refused.err().map(|e| e.code()), Some("INVALID_TICKET_COUNT"));
        }
        let other = admin.app.other_organization().await;
        let theirs = other_product(&admin.app, other).await;
        let refused = issue(&admin.app.engine, admin.orq, Some(admin.id), theirs, 3).await;
        assert!(matches!(refused, Err(IssueError::ProductNotFound)), "{refused:?}");
        assert_eq!(admin.tickets_and_orders().await, before);
        assert_eq!(admin.count("SELECT COUNT(*) FROM audit_log WHERE orq = $1").await, 0);
    }

    async fn an_import_with_bad_rows_names_each_one_and_writes_nothing(backend: Backend) {
        let admin = Admin::new(backend).await;
        let (_, existing) = admin.app.ticket("ACTIVATED").await;
        let good = codes(3);
        let mut typo = good[1].compact();
        let last = typo.pop().expect("a check character");
        typo.push(if last == '0' { '1' } else { '0' });
        let csv = format!(
            "code,email,phone,status\n\
             {g0},ann@example.com,+1 202 555 0143,ACTIVATED\n\
             {typo},,,\n\
             {g0_spaced},,,\n\
             {existing},,,\n\
             TKT-2026-SHORT,,,\n\
             {g2},not-an-email,,\n\
             {g1},,555-CALL-NOW,\n\
             {g1_again},,,SOLD\n\
             only-one-field\n",
            g0 = good[0],
            g0_spaced = good[0].compact().to_lowercase().chars().collect::<Vec<_>>().chunks(4)
                .map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" "),
            g2 = good[2],
            g1 = good[1],
            g1_again = codes(1)[0],
        );
        let before = admin.tickets_and_orders().await;
        let Err(ImportError::BadRows(rows)) = admin.import(&csv).await else { panic!("refused with a report") };
        let reported: Vec<(usize, &str)> = rows.iter().map(|r| (r.line, r.reason.as_str())).collect();
        assert_eq!(
            reported,
            vec![
                (3, "TICKET_CODE_CHECK_FAILED"),
                (4, "DUPLICATE_IN_FILE"),
                (6, "INVALID_TICKET_CODE"),
                (7, "INVALID_EMAIL"),
                (8, "PHONE_LETTERS"),
                (9, "UNKNOWN_STATUS"),
                (10, "WRONG_FIELD_COUNT"),
            ],
            "{rows:#?}"
        );
        assert!(rows[1].message.contains("line 2"), "{:?}", rows[1]);
        assert_eq!(rows[0].code, typo);
        assert_eq!(admin.tickets_and_orders().await, before, "nothing written");

        // The rows that read well but whose code exists are found inside the write: also refused whole.
        let csv = format!("code\n{}\n{existing}\n", good[0]);
        let Err(ImportError::BadRows(rows)) = admin.import(&csv).await else { panic!("refused") };
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!((rows[0].line, rows[0].reason.as_str(), rows[0].code.as_str()), (3, "TICKET_EXISTS", existing.as_str()));
        assert_eq!(admin.tickets_and_orders().await, before, "nothing written");
        assert_eq!(admin.count("SELECT COUNT(*) FROM audit_log WHERE orq = $1").await, 0);
    }

    async fn files_that_are_not_an_import_are_refused_with_a_clear_code(backend: Backend) {
        let admin = Admin::new(backend).await;
        let too_many = format!("code\n{}", "x\n".repeat(gatehouse::tickets::import::MAX_ROWS + 1));
        let cases: [(&[u8], &str); 6] = [
            (b"", "IMPORT_MALFORMED"),
            (b"email\nann@example.com\n", "IMPORT_MALFORMED"),
            (b"code,colour\nx,red\n", "IMPORT_MALFORMED"),
            (b"code\n\xff\xfe\xfd\n", "IMPORT_NOT_TEXT"),
            (b"code\nTKT\x00\n", "IMPORT_NOT_TEXT"),
            (too_many.as_bytes(), "IMPORT_TOO_MANY_ROWS"),
        ];
        for (bytes, expected) in cases {
            let refused = import(&admin.app.engine, admin.orq, Some(admin.id), admin.product, bytes).await;
            assert_eq!(refused.as_ref().err().map(|e| e.code()), Some(expected), "{:?}: {refused:?}", String::from_utf8_lossy(bytes));
        }
        let huge = vec![b'a'; gatehouse::tickets::import::MAX_BYTES + 1];
        let refused = import(&admin.app.engine, admin.orq, Some(admin.id), admin.product, &huge).await;
        assert_eq!(refused.err().map(|e| (e.code(), e.status())), Some(("IMPORT_TOO_LARGE", 413)));
    }

    async fn a_good_import_writes_one_order_and_one_audit_entry(backend: Backend) {
        let admin = Admin::new(backend).await;
        let c = codes(3);
        let csv = format!(
            "\u{feff}Status,CODE,email,phone\r\n\
             ,{},Ann@Example.com,+1 (202) 555-0143\r\n\
             pending_payment,\"{}\",,\r\n\
             ACTIVATED,{},,\r\n",
            c[0].compact().to_lowercase(),
            c[1].as_str().replace('-', " "),
            c[2],
        );
        let imported = admin.import(&csv).await.expect("imported");
        assert_eq!((imported.activated, imported.pending), (2, 1));
        let tickets = tickets_of(&admin.app.engine.db, admin.orq, imported.order_id).await.expect("tickets");
        let written: Vec<(&str, &str)> = tickets.iter().map(|t| (t.code.as_str(), t.status.as_str())).collect();
        assert_eq!(
            written,
            vec![(c[0].as_str(), "ACTIVATED"), (c[1].as_str(), "PENDING_PAYMENT"), (c[2].as_str(), "ACTIVATED")]
        );
        let (email, phone): (Option<String>, Option<String>) = gatehouse::on_pool!(&admin.app.engine.db, pool =>
            sqlx::query_as("SELECT customer_email, customer_phone FROM tickets WHERE ticket_code = $1")
                .bind(c[0].as_str()).fetch_one(pool).await).expect("contact");
        assert_eq!((email.as_deref(), phone.as_deref()), (Some("Ann@example.com"), Some("+12025550143")));
        assert_eq!(admin.app.text("SELECT status FROM orders WHERE id = $1", imported.order_id).await, "PENDING");
        let entries = admin.audit_of(imported.order_id).await;
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].action, Action::TicketsImported);
        assert_eq!(entries[0].summary, "3 tickets for General admission imported (1 awaiting payment)");
    }

    async fn marking_an_order_paid_activates_its_pending_tickets_once(backend: Backend) {
        let admin = Admin::new(backend).await;
        let c = codes(2);
        let csv = format!("code,status\n{},PENDING_PAYMENT\n{},PENDING_PAYMENT\n", c[0], c[1]);
        let order = admin.import(&csv).await.expect("imported").order_id;

        let paid = mark_order_paid(&admin.app.engine, admin.orq, Some(admin.id), order).await.expect("paid");
        let mut expected: Vec<String> = c.iter().map(|c| c.to_string()).collect();
        expected.sort();
        assert_eq!(paid.activated, expected);
        let statuses = tickets_of(&admin.app.engine.db, admin.orq, order).await.expect("tickets");
        assert!(statuses.iter().all(|t| t.status.as_str() == "ACTIVATED"), "{statuses:?}");
        assert_eq!(admin.app.text("SELECT status FROM orders WHERE id = $1", order).await, "PAID");
        let entries = admin.audit_of(order).await;
        assert_eq!(entries.iter().map(|e| e.action).collect::<Vec<_>>(), vec![Action::TicketPaid, Action::TicketsImported]);
        assert_eq!(entries[0].actor, "Adam Admin");
        assert_eq!(entries[0].summary, format!("Order {order} marked paid: 2 tickets activated"));

        let again = mark_order_paid(&admin.app.engine, admin.orq, Some(admin.id), order).await;
        assert_eq!(again.as_ref().err().map(|e| (e.code(), e.status())), Some(("ORDER_NOT_PENDING", 409)), "{again:?}");
        assert_eq!(admin.audit_of(order).await.len(), 2, "a refused payment is not logged");

        let other = admin.app.other_organization().await;
        let theirs = other_product(&admin.app, other).await;
        let their_order = import(&admin.app.engine, other, None, theirs, format!("code,status\n{},PENDING_PAYMENT\n", codes(1)[0]).as_bytes())
            .await.expect("their import").order_id;
        let refused = mark_order_paid(&admin.app.engine, admin.orq, Some(admin.id), their_order).await;
        assert_eq!(refused.err().map(|e| e.code()), Some("ORDER_NOT_FOUND"));
        assert_eq!(admin.app.text("SELECT status FROM orders WHERE id = $1", their_order).await, "PENDING");
    }

    async fn a_ticket_is_found_by_code_email_or_phone_within_its_organization_only(backend: Backend) {
        let admin = Admin::new(backend).await;
        let (id, code) = admin.app.ticket("ACTIVATED").await;
        admin.app.reserve_ok(id, admin.app.slot(2, 10).await).await;
        assert_eq!(admin.find(&code.compact().to_lowercase()).await, vec![code.to_string()]);
        assert_eq!(admin.find("JOHN@example.com").await.first(), Some(&code.to_string()), "newest first");
        assert_eq!(admin.find("+1 (202) 555-1234").await.first(), Some(&code.to_string()));

        // Cancelled, the ticket no longer carries the contact; its old reservation still finds it.
        let c = codes(1);
        admin.import(&format!("code,email,phone\n{},cancel.me@example.com,+1 202 555 0177\n", c[0])).await.expect("imported");
        assert_eq!(admin.find("cancel.me@example.com").await, vec![c[0].to_string()]);
        assert_eq!(admin.find("+12025550177").await, vec![c[0].to_string()]);

        let other = admin.app.other_organization().await;
        let theirs = other_product(&admin.app, other).await;
        let hidden = codes(1);
        import(&admin.app.engine, other, None, theirs, format!("code,email\n{},cancel.me@example.com\n", hidden[0]).as_bytes())
            .await.expect("their import");
        assert_eq!(admin.find("cancel.me@example.com").await, vec![c[0].to_string()], "not theirs");
        assert!(admin.find(hidden[0].as_str()).await.is_empty());
        assert!(history(&admin.app.engine.db, admin.orq, &hidden[0]).await.expect("query").is_none());
    }

    async fn a_search_lists_at_most_fifty_and_says_there_are_more(backend: Backend) {
        let admin = Admin::new(backend).await;
        let rows: String = codes(60).iter().map(|c| format!("{c},many@example.com\n")).collect();
        admin.import(&format!("code,email\n{rows}")).await.expect("imported");
        let key = SearchKey::parse("many@example.com").expect("key");
        let found = search(&admin.app.engine.db, admin.orq, &key).await.expect("search");
        assert_eq!((found.tickets.len(), found.more), (50, true));
    }

    async fn a_tickets_history_holds_its_reservations_changes_cancellation_scans_and_staff_changes(backend: Backend) {
        let admin = Admin::new(backend).await;
        let app = &admin.app;
        let c = codes(1);
        let order = admin.import(&format!("code,status\n{},PENDING_PAYMENT\n", c[0])).await.expect("imported").order_id;
        app.clock.advance(chrono::Duration::minutes(1));
        mark_order_paid(&app.engine, admin.orq, Some(admin.id), order).await.expect("paid");
        let id = gatehouse::tickets::find_by_code(&app.engine.db, &c[0]).await.expect("q").expect("ticket").ticket_id;

        app.clock.advance(chrono::Duration::minutes(1));
        let manage = app.reserve_managed(id, app.slot(2, 10).await).await;
        app.clock.advance(chrono::Duration::minutes(1));
        let (status, body) = app.change(c[0].as_str(), &manage, app.slot(3, 14).await).await;
        assert_eq!(status, 200, "{body}");
        app.clock.advance(chrono::Duration::minutes(1));
        let (status, body) = app.cancel(c[0].as_str(), &manage).await;
        assert_eq!(status, 200, "{body}");
        app.clock.advance(chrono::Duration::minutes(1));
        app.reserve_ok(id, app.slot(0, 12).await).await;
        app.clock.advance(chrono::Duration::minutes(1));
        let operator = gatehouse::staff::user_by_username(&app.engine.db, "operator").await.expect("q").expect("operator");
        let door = gatehouse::admission::Door { operator_id: operator.id, orq: admin.orq, device: "North door".into() };
        gatehouse::admission::verify(&app.engine, &door, id).await.expect("admitted");

        let history = history(&app.engine.db, admin.orq, &c[0]).await.expect("query").expect("found");
        assert_eq!((history.status.as_str(), history.order_status.as_str()), ("VERIFIED", "PAID"));
        let seen: Vec<String> = history.entries.iter().map(|e| match &e.happening {
            Happening::Created => "created".to_string(),
            Happening::Activated => "activated".into(),
            Happening::Reserved(v) => format!("reserved {} {}", v.date, v.start_time),
            Happening::Changed { from, to } =>
                format!("changed {} {} to {} {}", from.date, from.start_time, to.date, to.start_time),
            Happening::Cancelled(v) => format!("cancelled {} {}", v.date, v.start_time),
            Happening::Scanned { action, outcome, device, offline } =>
                format!("{action} {outcome} {device} {offline} by {}", e.by.as_deref().unwrap_or("?")),
            Happening::Expired => "expired".into(),
            Happening::Audit { action, .. } => format!("{} by {}", action.as_str(), e.by.as_deref().unwrap_or("?")),
        }).collect();
        let day = |d| crate::support::venue_day(d);
        assert_eq!(seen, vec![
            "created".to_string(),
            "tickets.imported by Adam Admin".into(),
            "activated".into(),
            "ticket.paid by Adam Admin".into(),
            format!("reserved {} 10:00:00", day(2)),
            format!("changed {} 10:00:00 to {} 14:00:00", day(2), day(3)),
            format!("cancelled {} 14:00:00", day(3)),
            format!("reserved {} 12:00:00", day(0)),
            "VERIFY VERIFIED North door false by Olivia Operator".into(),
        ], "{history:#?}");
        let times: Vec<_> = history.entries.iter().map(|e| e.at).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order: {times:?}");
    }
}

/// A product of organization `orq` (another one than the demo's).
async fn other_product(app: &TestApp, orq: OrgId) -> ProductId {
    gatehouse::on_pool!(&app.engine.db, pool => sqlx::query_as(
        "INSERT INTO products (orq, name) VALUES ($1, 'Their admission') RETURNING id")
        .bind(orq).fetch_one(pool).await)
    .map(|(id,): (ProductId,)| id)
    .expect("their product")
}

async fn get_with(app: &TestApp, path: &str, cookie: Option<&str>) -> (u16, String, String) {
    let mut req = app.http.get(format!("{}{path}", app.base));
    if let Some(c) = cookie {
        req = req.header(reqwest::header::COOKIE, c);
    }
    let res = req.send().await.expect("request");
    let kind = res.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    (res.status().as_u16(), kind, res.text().await.expect("body"))
}

backend_tests! {
    async fn a_batchs_csv_and_qr_cards_are_its_organizations_admins_alone(backend: Backend) {
        let staff = crate::staff::Staff::new(backend).await;
        let app = &staff.app;
        let orq = app.orq().await;
        let product = gatehouse::tickets::product::products(&app.engine.db, orq).await.expect("products")[0].id;
        let issued = issue(&app.engine, orq, None, product, 3).await.expect("issued");
        let order = issued.order_id;
        let cookie = staff.signed_in_admin().await;

        let (status, kind, csv) = get_with(app, &format!("/admin/orders/{order}/tickets.csv"), Some(&cookie)).await;
        assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"), "{csv}");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 4, "{csv}");
        assert_eq!(lines[0], "code,status,product,order,created");
        assert!(lines[1].ends_with(&format!(",ACTIVATED,General admission,{order},2026-11-23T15:00:00Z")), "{csv}");

        let (status, kind, html) = get_with(app, &format!("/admin/orders/{order}/cards"), Some(&cookie)).await;
        assert_eq!((status, kind.as_str()), (200, "text/html; charset=utf-8"), "{html}");
        assert_eq!(html.matches(r#"<article class="card">"#).count(), 3);
        assert_eq!(html.matches("<svg").count(), 3);
        for line in &lines[1..] {
            let code = line.split(',').next().unwrap_or_default();
            assert!(html.contains(&format!("Ticket code {code}")), "{code} on the sheet");
        }
        let (status, kind, _) = get_with(app, "/admin/orders/sheet.css", None).await;
        assert_eq!((status, kind.as_str()), (200, "text/css; charset=utf-8"));

        // Without a session, and for an order of another organization: nothing shown.
        for path in [format!("/admin/orders/{order}/tickets.csv"), format!("/admin/orders/{order}/cards")] {
            let (status, _, body) = get_with(app, &path, None).await;
            assert!(status == 401 || status == 403, "{path}: {status}");
            assert!(!body.contains("TKT-"), "{path}");
        }
        let other = app.other_organization().await;
        let theirs = other_product(app, other).await;
        let their_order = issue(&app.engine, other, None, theirs, 1).await.expect("their batch").order_id;
        for path in [format!("/admin/orders/{their_order}/tickets.csv"), format!("/admin/orders/{their_order}/cards")] {
            let (status, _, body) = get_with(app, &path, Some(&cookie)).await;
            assert_eq!(status, 404, "{path}: {body}");
        }
    }
}
