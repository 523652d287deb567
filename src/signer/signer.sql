-- Every JWT the signer produced, with the event that produced it. The current JWT of a subject
-- is its row with the highest seq. Rebuilt by replay, byte for byte.
CREATE TABLE IF NOT EXISTS signed_jwts (
  kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  installation_id TEXT NOT NULL,
  public_key TEXT NOT NULL,
  jwt TEXT NOT NULL,
  PRIMARY KEY (kind, subject_id, seq)
) WITHOUT ROWID;
-- NATS users' JWTs are signed when their creds are asked for; rows an older Tower stored for
-- them go, so the table equals what a replay builds.
DELETE FROM signed_jwts WHERE kind = 'user';

-- Account JWTs waiting to reach an installation, one row per account: a newer version replaces
-- an older pending one, so an older JWT is never sent after a newer one. Operational state,
-- not a read model: replay leaves it alone, and reconcile repairs what it cannot know.
CREATE TABLE IF NOT EXISTS outbox (
  installation_id TEXT NOT NULL,
  account_public_key TEXT NOT NULL,
  account_id TEXT NOT NULL,
  -- 'update' publishes jwt; 'delete' sends jwt (a deletion claim) to CLAIMS.DELETE.
  action TEXT NOT NULL,
  jwt TEXT NOT NULL,
  seq INTEGER NOT NULL,
  -- pending | published | failed
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at TEXT,
  pending_since TEXT NOT NULL,
  published_jwt TEXT,
  published_at TEXT,
  acked_servers TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (installation_id, account_public_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (state, installation_id, seq);
-- An installation's rows by state: status pages count and list them without reading JWTs.
CREATE INDEX IF NOT EXISTS outbox_by_installation ON outbox (installation_id, state, seq);
CREATE INDEX IF NOT EXISTS outbox_by_account ON outbox (account_id);
