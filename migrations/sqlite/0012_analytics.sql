-- Analytics (issue 13) over a range of days: refusals at the door are counted from the check-in
-- log by organization and time, reading the outcome from the index alone; conversion counts the
-- tickets activated in the range by their status, likewise from the index.
CREATE INDEX checkin_log_orq_created_outcome ON checkin_log(orq, created_at, outcome);
CREATE INDEX tickets_orq_activated ON tickets(orq, activated_at, status);
