-- Notifications (issue 15): every message is a row written in the same transaction as the event
-- that causes it, and a worker delivers it. `message_key` is the message's stable identity: it
-- makes writing the same message twice a no-op (a reminder found due by two instances) and is
-- the Message-ID / idempotency key a provider sees on every retry.
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    orq              INTEGER NOT NULL REFERENCES organizations(id),
    message_key      TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient        TEXT NOT NULL,
    reservation_id   INTEGER REFERENCES ticket_reservations(id),
    slot_id          INTEGER REFERENCES reservation_slots(id),
    order_id         INTEGER REFERENCES shop_orders(id),
    -- A secret the message carries (a management token, a verification code): never stored
    -- elsewhere in clear, and blanked once a real provider has taken the message.
    secret           TEXT,
    status           TEXT NOT NULL DEFAULT 'PENDING'
                     CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'SKIPPED')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    due_at           TEXT NOT NULL,
    -- A worker's claim: another worker takes the row only once the claim has run out (a crash).
    claim            TEXT,
    claimed_until    TEXT,
    -- How it went: 'mailbox' (nothing configured), 'smtp' or 'sms'; the text as sent.
    transport        TEXT,
    subject          TEXT,
    body_text        TEXT,
    body_html        TEXT,
    provider_answer  TEXT,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX outbox_due ON outbox(status, due_at);
CREATE INDEX outbox_by_reservation ON outbox(reservation_id, kind);
