import type { Database, RunResult } from 'better-sqlite3';

/**
 * Tables that only bookkeeping writes: sessions (a last-seen time every half minute per active
 * session) and the publisher's installation status (a check every 10 s per installation).
 * Readers that do not show them can ignore their writes.
 */
export type SideTable = 'sessions' | 'status';

/** One read of the counters: a generation for any choice of side tables to ignore. */
export interface GenerationCounts {
  changes: number;
  version: number;
  sessions: number;
  status: number;
}

/**
 * The database's write generation: a token that changes whenever a commit may have changed
 * what a reader reads. Rows written through this connection move SQLite's `total_changes()`;
 * a commit by any other connection, in this process or another (the CLI beside `tower
 * serve`), moves `PRAGMA data_version`. Equal tokens from two reads mean nothing was committed
 * in between, so whatever was computed from the database after the first read still holds at
 * the second. Writers of side tables report their rows here, so that readers which do not
 * show those tables can leave them out; a side write from another process still moves
 * `data_version`, which only costs such a reader a recomputation.
 *
 * @example
 * const generation = writeGenerationOf(db);
 * const before = generation.token(generation.read(), ['sessions']);
 */
export class WriteGeneration {
  readonly #version;
  readonly #changes;
  readonly #side: Record<SideTable, number> = { sessions: 0, status: 0 };

  constructor(db: Database) {
    // Two plain statements cost less than one that reads the pragma as a table.
    this.#version = db.prepare('PRAGMA data_version').pluck();
    this.#changes = db.prepare('SELECT total_changes()').pluck();
  }

  /** Tells that a statement through this connection wrote rows of a side table only. */
  wrote(table: SideTable, result: RunResult): void {
    this.#side[table] += result.changes;
  }

  read(): GenerationCounts {
    const version = this.#version.get() as number;
    const changes = this.#changes.get() as number;
    return { changes, version, ...this.#side };
  }

  /** The generation of everything but the side tables named. */
  token(counts: GenerationCounts, ignoring: readonly SideTable[]): string {
    let changes = counts.changes;
    for (const table of ignoring) changes -= counts[table];
    return `${changes}.${counts.version}`;
  }
}

const generations = new WeakMap<Database, WriteGeneration>();

/** The one WriteGeneration of a connection, so that every writer reports to the same one. */
export function writeGenerationOf(db: Database): WriteGeneration {
  let generation = generations.get(db);
  if (!generation) generations.set(db, (generation = new WriteGeneration(db)));
  return generation;
}
