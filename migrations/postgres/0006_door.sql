-- The door side: an operator's shift is counted from the check-in log by operator and time; failed
-- staff sign-ins are counted per client address (beside the per-account lock of 0004); an
-- organization may name the networks its staff pages answer from (PRD §4.3.1 "IP whitelist").
CREATE INDEX checkin_log_operator_created ON checkin_log(operator_id, created_at);

CREATE TABLE sign_in_failures (
    id          BIGSERIAL PRIMARY KEY,
    address     TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_in_failures_address ON sign_in_failures(address, created_at);

-- Comma-separated networks in CIDR notation (10.0.0.0/8, 2001:db8::/32); empty: any network.
ALTER TABLE organizations ADD COLUMN staff_networks TEXT NOT NULL DEFAULT '';
