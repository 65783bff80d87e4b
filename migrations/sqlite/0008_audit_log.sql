-- The audit log (issue 13): every change staff make, written in the change's own transaction.
-- before_state and after_state are JSON; subject is a searchable key (slot:42, ticket:<code>).
CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY,
    orq           INTEGER NOT NULL REFERENCES organizations(id),
    actor_id      INTEGER REFERENCES users(id),
    action        TEXT NOT NULL,
    subject       TEXT NOT NULL,
    summary       TEXT NOT NULL,
    before_state  TEXT,
    after_state   TEXT,
    created_at    TEXT NOT NULL
);
CREATE INDEX audit_log_orq_id ON audit_log(orq, id);
CREATE INDEX audit_log_subject ON audit_log(orq, subject, id);
