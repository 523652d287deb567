import BetterSqlite3, { type Database } from 'better-sqlite3';
import { migrate } from './migrate.ts';

export type SyncMode = 'FULL' | 'NORMAL' | 'OFF';

export interface OpenDatabaseOptions {
  /** FULL (default) fsyncs every commit; NORMAL may lose the last commits on power loss. */
  synchronous?: SyncMode;
  readonly?: boolean;
}

/**
 * Opens Tower's SQLite database in WAL mode and brings its schema up to date.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Database {
  const db = new BetterSqlite3(file, { readonly: options.readonly ?? false });
  db.pragma('busy_timeout = 5000');
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
  }
  return db;
}

export type { Database };

/**
 * `LIMIT` from a bound parameter (`@limit` or `?`), written as an expression on purpose. The
 * SQLite that better-sqlite3 bundles (3.53) reads a bare LIMIT parameter while planning, so
 * every new binding makes it plan the statement again on the next step; measured, that
 * re-planning cost the installations list ten times its query time. An expression keeps the
 * plan. test/store/limit-sql.test.ts keeps bare LIMIT parameters out of the sources.
 */
export function limitSql(parameter: string): string {
  return `LIMIT ${parameter} + 0`;
}
