-- Contact verification (issue 15, PRD §4.2.2 option A): an organization may ask visitors to
-- confirm their e-mail address with a 6-digit code before booking. Only a digest of the code is
-- kept; a code lasts five minutes and takes three attempts.
ALTER TABLE organizations ADD COLUMN verify_contact BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE contact_verifications (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    orq          BIGINT NOT NULL REFERENCES organizations(id),
    ticket_id    BIGINT NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    destination  TEXT NOT NULL,
    code_hash    TEXT NOT NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    expires_at   TIMESTAMPTZ NOT NULL,
    verified_at  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX contact_verifications_by_ticket ON contact_verifications(ticket_id, created_at);
