-- Finding a ticket by e-mail or phone (issue 13, admin ticket search): on the ticket itself (kept
-- while it is reserved, or given in an import) and on every reservation it had, cancelled ones
-- included. E-mail addresses compare without regard to case.
CREATE INDEX tickets_orq_email ON tickets(orq, lower(customer_email));
CREATE INDEX tickets_orq_phone ON tickets(orq, customer_phone);
CREATE INDEX ticket_reservations_orq_email ON ticket_reservations(orq, lower(customer_email));
CREATE INDEX ticket_reservations_orq_phone ON ticket_reservations(orq, customer_phone);

-- A reservation moved to another slot keeps its row (its slot_id changes): the slot it left is
-- kept here, so a ticket's history can say "moved from Sat 10:00 to Sun 14:00".
CREATE TABLE reservation_changes (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    orq             BIGINT NOT NULL REFERENCES organizations(id),
    reservation_id  BIGINT NOT NULL REFERENCES ticket_reservations(id) ON DELETE CASCADE,
    from_slot_id    BIGINT NOT NULL REFERENCES reservation_slots(id),
    to_slot_id      BIGINT NOT NULL REFERENCES reservation_slots(id),
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX reservation_changes_reservation ON reservation_changes(reservation_id);
