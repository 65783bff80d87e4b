-- Offline scanning (issue 12): a scanner that lost the network admits from the ticket's signature
-- and syncs its queue later. Each synced scan is a row of the check-in log carrying the device's
-- nonce (unique per organization, so a resent queue changes nothing), the device's scan time (an
-- admission takes effect then, not at the sync) and the answer the device was given (JSON of the
-- verdict), which a resend reads back. An offline admission that finds the ticket admitted already
-- is logged with its own outcome, CONFLICT.
ALTER TABLE checkin_log ADD COLUMN client_nonce TEXT;
ALTER TABLE checkin_log ADD COLUMN offline BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE checkin_log ADD COLUMN scanned_at TEXT;
ALTER TABLE checkin_log ADD COLUMN answer TEXT;
CREATE UNIQUE INDEX checkin_log_client_nonce ON checkin_log(orq, client_nonce) WHERE client_nonce IS NOT NULL;
