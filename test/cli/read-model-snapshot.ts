import BetterSqlite3, { type Database } from 'better-sqlite3';

/**
 * Tables that are the source of truth, hold secrets, or (the outbox) record what was sent to
 * the installations; everything else is a read model that replay rebuilds.
 */
const NOT_READ_MODELS = new Set(['events', 'commands', 'secrets', 'meta', 'outbox']);

/**
 * Every read-model table with its rows as sorted JSON text, so that two databases compare
 * equal exactly when their read models hold the same rows.
 */
export function readModelSnapshot(source: Database | string): Record<string, string[]> {
  const db = typeof source === 'string' ? new BetterSqlite3(source, { readonly: true }) : source;
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const snapshot: Record<string, string[]> = {};
    for (const table of tables.filter((name) => !NOT_READ_MODELS.has(name)).sort()) {
      const rows = db.prepare(`SELECT * FROM ${table}`).all();
      snapshot[table] = rows.map((row) => JSON.stringify(row)).sort();
    }
    return snapshot;
  } finally {
    if (typeof source === 'string') db.close();
  }
}
