import type { NatsConnection } from '@nats-io/transport-node';
import type { Database } from 'better-sqlite3';
import { TowerError } from '../errors/index.ts';
import { openDatabase } from '../store/database.ts';
import { GENESIS_HASH, hashEvent } from '../store/event-hash.ts';
import { INSERT_EVENT_SQL, type EventRow } from '../store/event-log.ts';
import { EventScopes } from '../store/event-scope.ts';
import { rowFromEventJson } from './event-json.ts';
import { towerSeqOf } from './event-message.ts';
import { DELETED_HEADER, type SealedEntry } from './keystore-stream.ts';
import { readWholeStream } from './stream-reader.ts';
import { EVENTS_STREAM, KEYSTORE_STREAM } from './streams.ts';

const BATCH = 1_000;

/** Copies the keystore stream's sealed entries into the secrets table; returns their count. */
export async function restoreKeystore(nc: NatsConnection, file: string): Promise<number> {
  const db = openDatabase(file);
  try {
    const insert = db.prepare(
      `INSERT OR REPLACE INTO secrets (id, nonce, ciphertext, tag, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    );
    let count = 0;
    for await (const msg of readWholeStream(nc, KEYSTORE_STREAM)) {
      if (msg.headers?.get(DELETED_HEADER)) continue;
      const entry = msg.json<SealedEntry>();
      const bytes = (text: string) => Buffer.from(text, 'base64');
      insert.run(
        entry.id,
        bytes(entry.nonce),
        bytes(entry.ciphertext),
        bytes(entry.tag),
        entry.createdAt,
      );
      count += 1;
    }
    return count;
  } finally {
    db.close();
  }
}

/**
 * Copies the events stream into the log as stored, checking on the way that the sequence
 * runs from 1 without gaps and that every hash matches its row and chains to the one before.
 * Returns the number of events.
 */
export async function restoreEvents(nc: NatsConnection, file: string): Promise<number> {
  const db = openDatabase(file);
  try {
    const write = batchWriter(db);
    let previous = { seq: 0, hash: GENESIS_HASH };
    let batch: EventRow[] = [];
    for await (const msg of readWholeStream(nc, EVENTS_STREAM)) {
      const row = rowFromEventJson(msg.string());
      checkRow(row, towerSeqOf(msg.headers), previous);
      previous = { seq: row.seq, hash: row.hash };
      batch.push(row);
      if (batch.length === BATCH) batch = write(batch);
    }
    write(batch);
    return previous.seq;
  } finally {
    db.close();
  }
}

function checkRow(row: EventRow, headerSeq: number, previous: { seq: number; hash: string }) {
  const seq = previous.seq + 1;
  const problem =
    row.seq !== seq || headerSeq !== seq
      ? `the stream holds seq ${row.seq} (Tower-Seq ${headerSeq}) where ${seq} belongs`
      : row.prev_hash !== previous.hash
        ? 'its prev_hash does not match the event before'
        : hashEvent(row) !== row.hash
          ? 'its hash does not match its content'
          : undefined;
  if (!problem) return;
  throw new TowerError(
    'log_corrupt',
    `The stream TOWER_EVENTS cannot be restored at seq ${seq}: ${problem}.`,
    { context: { firstBadSeq: seq } },
  );
}

function batchWriter(db: Database): (rows: EventRow[]) => EventRow[] {
  const insert = db.prepare(INSERT_EVENT_SQL);
  const scopes = new EventScopes(db);
  const insertAll = db.transaction((rows: EventRow[]) => {
    for (const row of rows) {
      insert.run({ ...row, ...scopes.of(row.stream_type, row.stream_id, JSON.parse(row.data)) });
    }
  });
  return (rows) => {
    insertAll(rows);
    return [];
  };
}
