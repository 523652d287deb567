-- Web sessions: operational state, not a read model. Only the SHA-256 of each session id is
-- kept, so a copy of the database opens no session.
CREATE TABLE IF NOT EXISTS web_sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS web_sessions_by_user ON web_sessions (user_id);
