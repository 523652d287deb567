import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { TowerError } from '../errors/index.ts';
import {
  eventRegistry,
  upcast,
  type EventMetadata,
  type NewEvent,
  type RecordedEvent,
  type StreamType,
} from '../events/index.ts';
import { canonicalForm, canonicalJson } from './canonical-json.ts';
import { GENESIS_HASH, hashEvent, type HashedColumns } from './event-hash.ts';
import { EventScopes, type EventScope } from './event-scope.ts';
import { limitSql } from './database.ts';

export interface EventRow extends HashedColumns {
  hash: string;
}

/** A row as stored: the hashed columns, the hash, and the scope tags derived from the data. */
export type StoredEventRow = EventRow & EventScope;

export interface ReadOptions {
  after?: number;
  limit?: number;
  streamType?: string;
  streamId?: string;
  type?: string;
}

/**
 * The append-only, hash-chained event log. Appends must run inside the caller's transaction;
 * the log never commits on its own.
 */
export class EventLog {
  readonly #db: Database;
  readonly #head: Statement<[], { seq: number; hash: string }>;
  readonly #version: Statement<[string, string], { version: number | null }>;
  readonly #insert: Statement<StoredEventRow>;
  readonly #scopes: EventScopes;

  constructor(db: Database) {
    this.#db = db;
    this.#scopes = new EventScopes(db);
    this.#head = db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1');
    this.#version = db.prepare(
      'SELECT max(version) AS version FROM events WHERE stream_type = ? AND stream_id = ?',
    );
    this.#insert = db.prepare(INSERT_EVENT_SQL);
  }

  /** The version of a stream: the number of events in it, 0 when it has none. */
  streamVersion(streamType: StreamType, streamId: string): number {
    return this.#version.get(streamType, streamId)?.version ?? 0;
  }

  head(): { seq: number; hash: string } {
    return this.#head.get() ?? { seq: 0, hash: GENESIS_HASH };
  }

  /**
   * Appends events in order. `expected` maps a stream key (`type:id`) to the version the caller
   * decided against; a stream that has moved on since is a version conflict.
   */
  append(
    events: readonly NewEvent[],
    metadata: EventMetadata,
    expected: ReadonlyMap<string, number> = new Map(),
  ): RecordedEvent[] {
    if (!this.#db.inTransaction) throw new Error('EventLog.append must run inside a transaction');

    let { seq, hash } = this.head();
    const versions = new Map<string, number>();
    const metadataText = canonicalJson(metadata);
    const recorded: RecordedEvent[] = [];

    for (const newEvent of events) {
      const definition = eventRegistry.get(newEvent.type);
      if (!definition) throw new Error(`Unknown event type "${newEvent.type}"`);
      const data = definition.schema.parse(newEvent.data) as Record<string, unknown>;
      const streamId = definition.streamIdOf(data);
      const key = `${definition.streamType}:${streamId}`;

      let version = versions.get(key);
      if (version === undefined) {
        version = this.streamVersion(definition.streamType, streamId);
        const wanted = expected.get(key);
        if (wanted !== undefined && wanted !== version) {
          throw versionConflict(definition.streamType, streamId, wanted, version);
        }
      }
      version += 1;
      versions.set(key, version);

      seq += 1;
      const canonical = canonicalForm(data);
      const row: HashedColumns = {
        seq,
        event_id: randomUUID(),
        stream_type: definition.streamType,
        stream_id: streamId,
        version,
        type: definition.type,
        schema_version: definition.schemaVersion,
        data: canonical.text,
        metadata: metadataText,
        prev_hash: hash,
      };
      hash = hashEvent(row);
      this.#insert.run({ ...row, hash, ...this.#scopes.of(row.stream_type, streamId, data) });
      // Projections get the data as a replay reads it back from the canonical text, keys
      // sorted, so that the JSON they store is the same in a live run and in a replay.
      recorded.push(toRecorded({ ...row, hash }, canonical.value, metadata));
    }
    return recorded;
  }

  /** Reads events in sequence order, upcast to their current schema version. */
  read(options: ReadOptions = {}): RecordedEvent[] {
    return this.readRows(options).map((row) => rowToEvent(row));
  }

  readRows(options: ReadOptions = {}): EventRow[] {
    const where = ['seq > @after'];
    if (options.streamType) where.push('stream_type = @streamType');
    if (options.streamId) where.push('stream_id = @streamId');
    if (options.type) where.push('type = @type');
    const sql = `SELECT ${EVENT_ROW_COLUMNS} FROM events WHERE ${where.join(' AND ')} ORDER BY seq ${limitSql('@limit')}`;
    return this.#db.prepare(sql).all({
      after: options.after ?? 0,
      limit: options.limit ?? -1,
      streamType: options.streamType,
      streamId: options.streamId,
      type: options.type,
    }) as EventRow[];
  }
}

/** The columns of an `EventRow`: the hashed ones and the hash, without the scope tags. */
export const EVENT_ROW_COLUMNS = `seq, event_id, stream_type, stream_id, version, type,
  schema_version, data, metadata, prev_hash, hash`;

/** Inserts one stored row, scope tags included. */
export const INSERT_EVENT_SQL = `INSERT INTO events (seq, event_id, stream_type, stream_id, version,
    type, schema_version, data, metadata, prev_hash, hash, installation_id, account_id)
  VALUES (@seq, @event_id, @stream_type, @stream_id, @version, @type, @schema_version, @data,
    @metadata, @prev_hash, @hash, @installation_id, @account_id)`;

/** The typed error of a stream that moved on since the client read it. */
export function versionConflict(
  streamType: StreamType,
  streamId: string,
  expected: number,
  actual: number,
): TowerError {
  return new TowerError(
    'version_conflict',
    `This ${streamType.replace('-', ' ')} was changed by someone else (version ${actual}, you ` +
      `had ${expected}); reload and try again.`,
    {
      context: {
        stream: `${streamType}:${streamId}`,
        expectedVersion: expected,
        actualVersion: actual,
      },
    },
  );
}

/** Turns a stored row into an event, reading older schema versions as the current one. */
export function rowToEvent(row: EventRow): RecordedEvent {
  const data = upcast(row.type, row.schema_version, JSON.parse(row.data));
  return toRecorded(row, data, JSON.parse(row.metadata) as EventMetadata);
}

function toRecorded(row: EventRow, data: unknown, metadata: EventMetadata): RecordedEvent {
  return {
    seq: row.seq,
    eventId: row.event_id,
    streamType: row.stream_type as StreamType,
    streamId: row.stream_id,
    version: row.version,
    type: row.type,
    schemaVersion: eventRegistry.get(row.type)?.schemaVersion ?? row.schema_version,
    data,
    metadata,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
