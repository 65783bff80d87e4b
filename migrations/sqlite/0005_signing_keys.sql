-- Ticket-signing keys (issue 12): each organization's Ed25519 keys. The newest key not retired
-- signs the QR codes shown from then on; every key not retired verifies, so tickets signed
-- before a rotation stay good until their key is retired. The secret key never leaves the server.
CREATE TABLE signing_keys (
    id          INTEGER PRIMARY KEY,
    orq         INTEGER NOT NULL REFERENCES organizations(id),
    public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
    secret_key  BLOB NOT NULL CHECK (length(secret_key) = 32),
    created_at  TEXT NOT NULL,
    retired_at  TEXT
);
CREATE INDEX signing_keys_orq ON signing_keys(orq, id);
