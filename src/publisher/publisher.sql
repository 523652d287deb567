-- What Tower last saw of each installation it publishes to. Operational state, not a read
-- model: replay leaves it alone, and the publisher rewrites it on every check.
CREATE TABLE IF NOT EXISTS installation_status (
  installation_id TEXT PRIMARY KEY,
  -- 1 while Tower's link to the installation is up and the servers answer.
  reachable INTEGER NOT NULL DEFAULT 0,
  -- The client URL of the server the link is connected to.
  connected_url TEXT,
  last_error TEXT,
  -- JSON [{name, id, version, cluster, host, jetstream}] from the last $SYS.REQ.SERVER.PING.
  servers TEXT NOT NULL DEFAULT '[]',
  checked_at TEXT,
  -- JSON [account public key]: accounts the servers hold that Tower does not know.
  drift TEXT NOT NULL DEFAULT '[]',
  reconciled_at TEXT
) WITHOUT ROWID;
