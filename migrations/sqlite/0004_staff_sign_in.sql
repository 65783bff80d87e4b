-- Staff sign-in: failed password attempts in a row and the lock they lead to (PRD §4.3.1), and
-- the server-side sessions of signed-in staff (tower-sessions-sqlx-store's table).
ALTER TABLE users ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN locked_until TEXT;

CREATE TABLE staff_sessions (
    id           TEXT PRIMARY KEY NOT NULL,
    data         BLOB NOT NULL,
    expiry_date  INTEGER NOT NULL
);
