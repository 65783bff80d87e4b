-- Admission and expiry look reservations up by ticket and status; the partial unique index
-- (status <> 'CANCELLED') cannot serve `status = 'RESERVED'`, so without this they scanned.
CREATE INDEX ticket_reservations_ticket_status ON ticket_reservations(ticket_id, status);
CREATE INDEX ticket_reservations_status_slot ON ticket_reservations(status, slot_id);
