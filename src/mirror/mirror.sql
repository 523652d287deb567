-- The event mirror's operational state. Not a read model: replay leaves it alone, and the
-- mirror reconciles it with the stream at every connect.

-- How far the stream is known to hold the log: the last event whose publish was acknowledged.
CREATE TABLE IF NOT EXISTS mirror_cursor (
  stream TEXT PRIMARY KEY,
  -- The seq of the last acknowledged event, and its sequence number in the stream.
  tower_seq INTEGER NOT NULL,
  stream_seq INTEGER NOT NULL,
  -- The last acknowledged sequence number of the keystore stream.
  keystore_seq INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- Keystore entries changed since they were last sent to the keystore stream. Triggers fill it,
-- whoever writes the secrets table, in the writer's own transaction.
CREATE TABLE IF NOT EXISTS mirror_keystore_queue (
  n INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL
);

CREATE TRIGGER IF NOT EXISTS mirror_secret_inserted AFTER INSERT ON secrets
BEGIN
  INSERT INTO mirror_keystore_queue (id) VALUES (new.id);
END;

CREATE TRIGGER IF NOT EXISTS mirror_secret_updated AFTER UPDATE ON secrets
BEGIN
  INSERT INTO mirror_keystore_queue (id) VALUES (new.id);
END;

CREATE TRIGGER IF NOT EXISTS mirror_secret_deleted AFTER DELETE ON secrets
BEGIN
  INSERT INTO mirror_keystore_queue (id) VALUES (old.id);
END;
