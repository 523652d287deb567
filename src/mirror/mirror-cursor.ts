import { readFileSync } from 'node:fs';
import type { Database, Statement } from 'better-sqlite3';
import { EVENTS_STREAM } from './streams.ts';

const MIRROR_SQL = readFileSync(new URL('./mirror.sql', import.meta.url), 'utf8');

/** Where the mirror stands: the last event the stream acknowledged, and where it is there. */
export interface CursorPosition {
  towerSeq: number;
  streamSeq: number;
  keystoreSeq: number;
}

interface CursorRow {
  tower_seq: number;
  stream_seq: number;
  keystore_seq: number;
}

/**
 * The persisted cursor of the mirror. It moves only after the stream acknowledged a publish,
 * so after a crash it is at most behind the stream, never ahead of it.
 */
export class MirrorCursor {
  readonly #get: Statement<[string], CursorRow>;
  readonly #save: Statement<[string, number, number, number, string]>;

  constructor(db: Database) {
    createMirrorTables(db);
    this.#get = db.prepare(
      'SELECT tower_seq, stream_seq, keystore_seq FROM mirror_cursor WHERE stream = ?',
    );
    this.#save = db.prepare(
      `INSERT INTO mirror_cursor (stream, tower_seq, stream_seq, keystore_seq, updated_at)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (stream) DO UPDATE SET tower_seq = excluded.tower_seq,
         stream_seq = excluded.stream_seq, keystore_seq = excluded.keystore_seq,
         updated_at = excluded.updated_at`,
    );
  }

  /** The saved position, or undefined when this data folder was never mirrored. */
  read(): CursorPosition | undefined {
    const row = this.#get.get(EVENTS_STREAM);
    return (
      row && { towerSeq: row.tower_seq, streamSeq: row.stream_seq, keystoreSeq: row.keystore_seq }
    );
  }

  save(position: CursorPosition): void {
    const { towerSeq, streamSeq, keystoreSeq } = position;
    this.#save.run(EVENTS_STREAM, towerSeq, streamSeq, keystoreSeq, new Date().toISOString());
  }
}

/** The mirror's tables and the triggers that queue keystore changes; safe to run again. */
export function createMirrorTables(db: Database): void {
  db.exec(MIRROR_SQL);
}
