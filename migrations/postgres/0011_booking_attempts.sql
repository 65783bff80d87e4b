-- Live operations (issue 13): booking attempts counted by minute, slot and outcome ('RESERVED' or
-- the refusal's code), for the reservation failure rate. Each server instance counts in memory
-- and adds its counts about once a second, to rows of its own (`instance`), so instances never
-- wait on each other's rows and the booking itself writes nothing more. Statistics only: no
-- foreign key (an attempt for a slot that does not exist is counted but belongs to no one).
CREATE TABLE booking_attempts (
    minute    TIMESTAMPTZ NOT NULL,
    slot_id   BIGINT NOT NULL,
    outcome   TEXT NOT NULL,
    instance  BIGINT NOT NULL,
    attempts  BIGINT NOT NULL,
    PRIMARY KEY (minute, slot_id, outcome, instance)
);
