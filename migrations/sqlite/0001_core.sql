-- Core schema. Table and column names follow PRD-007 §5 so the PRD documents it.
-- Instants are UTC, written by the application (never SQL's clock) so time can be injected.
CREATE TABLE organizations (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE venues (
    id          INTEGER PRIMARY KEY,
    orq         INTEGER NOT NULL REFERENCES organizations(id),
    name        TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX venues_orq ON venues(orq);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    orq            INTEGER NOT NULL REFERENCES organizations(id),
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('OPERATOR', 'ADMIN')),
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    orq         INTEGER NOT NULL REFERENCES organizations(id),
    name        TEXT NOT NULL
);

CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    orq         INTEGER NOT NULL REFERENCES organizations(id),
    status      TEXT NOT NULL CHECK (status IN ('PENDING', 'PAID', 'CANCELLED')),
    created_at  TEXT NOT NULL
);

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    ticket_code     TEXT NOT NULL UNIQUE,
    order_id        INTEGER NOT NULL REFERENCES orders(id),
    product_id      INTEGER NOT NULL REFERENCES products(id),
    orq             INTEGER NOT NULL REFERENCES organizations(id),
    status          TEXT NOT NULL DEFAULT 'PENDING_PAYMENT'
                    CHECK (status IN ('PENDING_PAYMENT', 'ACTIVATED', 'RESERVED', 'VERIFIED', 'EXPIRED')),
    customer_email  TEXT,
    customer_phone  TEXT,
    created_at      TEXT NOT NULL,
    activated_at    TEXT,
    reserved_at     TEXT,
    verified_at     TEXT,
    verified_by     INTEGER REFERENCES users(id),
    expired_at      TEXT
);
CREATE INDEX tickets_order_id ON tickets(order_id);
CREATE INDEX tickets_orq_status ON tickets(orq, status);

CREATE TABLE reservation_slots (
    id              INTEGER PRIMARY KEY,
    orq             INTEGER NOT NULL REFERENCES organizations(id),
    venue_id        INTEGER NOT NULL REFERENCES venues(id),
    date            TEXT NOT NULL,        -- venue-local calendar date
    start_time      TEXT NOT NULL,        -- venue-local wall clock
    end_time        TEXT NOT NULL,
    starts_at       TEXT NOT NULL,        -- the same instants in UTC
    ends_at         TEXT NOT NULL,
    total_capacity  INTEGER NOT NULL CHECK (total_capacity >= 0),
    booked_count    INTEGER NOT NULL DEFAULT 0
                    CHECK (booked_count >= 0 AND booked_count <= total_capacity),
    status          TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'FULL', 'CLOSED')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (venue_id, date, start_time)
);
CREATE INDEX reservation_slots_orq_date ON reservation_slots(orq, date, start_time);
CREATE INDEX reservation_slots_ends_at ON reservation_slots(ends_at);

CREATE TABLE ticket_reservations (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    slot_id         INTEGER NOT NULL REFERENCES reservation_slots(id),
    customer_email  TEXT NOT NULL,
    customer_phone  TEXT NOT NULL,
    reserved_at     TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'RESERVED' CHECK (status IN ('RESERVED', 'CANCELLED', 'VERIFIED')),
    orq             INTEGER NOT NULL REFERENCES organizations(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
-- One live reservation per ticket; cancelled ones stay as history.
CREATE UNIQUE INDEX ticket_reservations_one_live_per_ticket
    ON ticket_reservations(ticket_id) WHERE status <> 'CANCELLED';
CREATE INDEX ticket_reservations_slot_id ON ticket_reservations(slot_id);

-- Every validation attempt at the door, whatever its outcome.
CREATE TABLE checkin_log (
    id           INTEGER PRIMARY KEY,
    orq          INTEGER NOT NULL REFERENCES organizations(id),
    ticket_id    INTEGER REFERENCES tickets(id),
    code_input   TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('VALIDATE', 'VERIFY')),
    outcome      TEXT NOT NULL,
    operator_id  INTEGER REFERENCES users(id),
    device       TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX checkin_log_ticket ON checkin_log(ticket_id);
CREATE INDEX checkin_log_orq_created ON checkin_log(orq, created_at);
