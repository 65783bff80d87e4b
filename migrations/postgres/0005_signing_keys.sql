-- Ticket-signing keys (issue 12): each organization's Ed25519 keys. The newest key not retired
-- signs the QR codes shown from then on; every key not retired verifies, so tickets signed
-- before a rotation stay good until their key is retired. The secret key never leaves the server.
CREATE TABLE signing_keys (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    orq         BIGINT NOT NULL REFERENCES organizations(id),
    public_key  BYTEA NOT NULL CHECK (octet_length(public_key) = 32),
    secret_key  BYTEA NOT NULL CHECK (octet_length(secret_key) = 32),
    created_at  TIMESTAMPTZ NOT NULL,
    retired_at  TIMESTAMPTZ
);
CREATE INDEX signing_keys_orq ON signing_keys(orq, id);
