-- Scope tags: the installation and the account each event concerns, stored beside it and
-- indexed, so that the audit list filters by index and no read model has to be rebuilt for it.
-- They follow from the hashed data, so they stay outside the hash; `tower verify` checks them.

ALTER TABLE events ADD COLUMN installation_id TEXT;
ALTER TABLE events ADD COLUMN account_id TEXT;

-- Tagging the events already stored is the one UPDATE the log ever sees: the trigger is
-- dropped and created again inside this migration's transaction.
DROP TRIGGER events_no_update;

UPDATE events SET installation_id = stream_id WHERE stream_type = 'installation';
UPDATE events SET account_id = coalesce(json_extract(data, '$.accountId'), stream_id)
  WHERE stream_type IN ('account', 'nats-user');
UPDATE events SET installation_id = coalesce(json_extract(data, '$.installationId'), (
    SELECT json_extract(created.data, '$.installationId') FROM events created
    WHERE created.stream_type = 'account' AND created.stream_id = events.account_id
      AND created.version = 1))
  WHERE account_id IS NOT NULL;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: UPDATE is not allowed');
END;

CREATE INDEX events_by_installation ON events (installation_id, seq)
  WHERE installation_id IS NOT NULL;
CREATE INDEX events_by_account ON events (account_id, seq) WHERE account_id IS NOT NULL;
