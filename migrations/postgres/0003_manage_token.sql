-- The reservation's management secret (pretix's order secret): changing, cancelling and seeing
-- the contact details need it, the ticket code alone no longer does. Only its SHA-256 is kept;
-- reservations made before it existed have none and cannot be managed online.
ALTER TABLE ticket_reservations ADD COLUMN manage_hash TEXT;
