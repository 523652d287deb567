-- Read models: every table here is derived from the event log and can be dropped and rebuilt
-- with `tower replay`. Names say what the tables show.

CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name TEXT PRIMARY KEY,
  seq INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS tower_users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  role TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  password_changed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS teams (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS team_members (
  team_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  PRIMARY KEY (team_id, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS team_members_by_user ON team_members (user_id, team_id);

CREATE TABLE IF NOT EXISTS installations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  urls TEXT NOT NULL,
  description TEXT NOT NULL,
  operator_public_key TEXT NOT NULL,
  operator_signing_key TEXT NOT NULL,
  system_account_public_key TEXT NOT NULL,
  system_account_signing_key TEXT NOT NULL,
  system_user_public_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS installation_teams (
  installation_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  PRIMARY KEY (installation_id, team_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS installation_teams_by_team ON installation_teams (team_id);

CREATE TABLE IF NOT EXISTS limit_profiles (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL,
  limits TEXT NOT NULL,
  is_default INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS accounts (
  id TEXT PRIMARY KEY,
  installation_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  limit_profile_id TEXT,
  explicit_limits TEXT NOT NULL,
  effective_limits TEXT NOT NULL,
  public_key TEXT NOT NULL,
  signing_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL,
  UNIQUE (installation_id, name)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS accounts_by_profile ON accounts (limit_profile_id);

CREATE TABLE IF NOT EXISTS account_teams (
  account_id TEXT NOT NULL,
  team_id TEXT NOT NULL,
  PRIMARY KEY (account_id, team_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS account_teams_by_team ON account_teams (team_id);

-- Keys revoked in an account: deleted and rotated NATS users. Kept for every later account JWT.
CREATE TABLE IF NOT EXISTS account_revocations (
  account_id TEXT NOT NULL,
  public_key TEXT NOT NULL,
  revoked_at TEXT NOT NULL,
  PRIMARY KEY (account_id, public_key)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS nats_users (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  permissions TEXT NOT NULL,
  limits TEXT NOT NULL,
  bearer INTEGER NOT NULL,
  expires_at TEXT,
  public_key TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL,
  UNIQUE (account_id, name)
) WITHOUT ROWID;

-- API tokens without their secrets: the keystore holds the digest of each live token's secret.
CREATE TABLE IF NOT EXISTS api_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  expires_at TEXT,
  revoked INTEGER NOT NULL DEFAULT 0,
  revoked_at TEXT,
  created_at TEXT NOT NULL,
  version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS api_tokens_by_user ON api_tokens (user_id, name, id);

-- The audit list reads the log's own scope tags (migration 002) instead of an event index.
DROP TABLE IF EXISTS event_index;
DELETE FROM projection_checkpoints WHERE name = 'event-index';
