import type { RecordedEvent } from '../events/index.ts';
import { canonicalJson } from '../store/canonical-json.ts';
import { rowToEvent, type EventRow } from '../store/event-log.ts';

/**
 * An event as tooling receives it: one line of `tower events --json` and the payload of each
 * message in the mirror stream. It is the recorded event, read at the current schema version.
 */
export interface EventJson extends RecordedEvent {
  /**
   * Only on events written under an older schema version: the version and data as stored and
   * hashed, so that the hash can be checked and the row restored byte for byte.
   */
  stored?: { schemaVersion: number; data: unknown };
}

/**
 * The JSON text of a stored event, without a line break.
 *
 * @example eventJson(log.readRows({ after: 0, limit: 1 })[0]) // '{"seq":1,"eventId":...}'
 */
export function eventJson(row: EventRow): string {
  const event: EventJson = rowToEvent(row);
  if (row.schema_version !== event.schemaVersion) {
    event.stored = { schemaVersion: row.schema_version, data: JSON.parse(row.data) };
  }
  return JSON.stringify(event);
}

/**
 * The stored row an event's JSON came from: the inverse of `eventJson`. The hash is taken as
 * given; the caller checks it against the other columns.
 */
export function rowFromEventJson(text: string): EventRow {
  const event = JSON.parse(text) as EventJson;
  return {
    seq: event.seq,
    event_id: event.eventId,
    stream_type: event.streamType,
    stream_id: event.streamId,
    version: event.version,
    type: event.type,
    schema_version: event.stored?.schemaVersion ?? event.schemaVersion,
    data: canonicalJson(event.stored ? event.stored.data : event.data),
    metadata: canonicalJson(event.metadata),
    prev_hash: event.prevHash,
    hash: event.hash,
  };
}
