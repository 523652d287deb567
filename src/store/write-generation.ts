import type { Database } from 'better-sqlite3';

/**
 * A reader of the database's write generation: a token that changes whenever a commit may
 * have changed what the database holds. Rows written through this connection move SQLite's
 * `total_changes()`; a commit by any other connection, in this process or another (the CLI
 * beside `tower serve`), moves `PRAGMA data_version`. Equal tokens from two reads mean nothing
 * was committed in between, so whatever was computed from the database after the first read
 * still holds at the second. One prepared statement: a few microseconds.
 *
 * @example
 * const generation = writeGeneration(db);
 * const before = generation();
 * // ... render a page ...
 * if (generation() === before) { } // the page is still what the database says
 */
export function writeGeneration(db: Database): () => string {
  const statement = db
    .prepare('SELECT total_changes(), data_version FROM pragma_data_version')
    .raw();
  return () => {
    const [changes, version] = statement.get() as [number, number];
    return `${changes}.${version}`;
  };
}
