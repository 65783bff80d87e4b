-- Live operations (issue 13): booking attempts counted by minute, slot and outcome ('RESERVED' or
-- the refusal's code), for the reservation failure rate. Each server instance counts in memory
-- and adds its counts about once a second, to rows of its own (`instance`), so instances never
-- wait on each other's rows and the booking itself writes nothing more. Statistics only: no
-- foreign key (an attempt for a slot that does not exist is counted but belongs to no one).
CREATE TABLE booking_attempts (
    minute    TEXT NOT NULL,
    slot_id   INTEGER NOT NULL,
    outcome   TEXT NOT NULL,
    instance  INTEGER NOT NULL,
    attempts  INTEGER NOT NULL,
    PRIMARY KEY (minute, slot_id, outcome, instance)
) WITHOUT ROWID;
