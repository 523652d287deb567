import { headers, type MsgHdrs } from '@nats-io/transport-node';
import type { EventRow } from '../store/event-log.ts';

/** Every event subject starts with this; tooling subscribes to `tower.events.>`. */
export const EVENT_SUBJECT_PREFIX = 'tower.events';

/** The headers each mirrored event carries besides `Nats-Msg-Id` (the event id). */
export const EventHeader = {
  seq: 'Tower-Seq',
  hash: 'Tower-Hash',
  prevHash: 'Tower-Prev-Hash',
} as const;

/**
 * The subject of an event: `tower.events.<streamType>.<streamId>.<eventType>`, so a consumer
 * can filter by aggregate (`tower.events.account.*.>`), by entity or by type
 * (`tower.events.*.*.AccountCreated`).
 *
 * @example eventSubject({ stream_type: 'team', stream_id: 'k2x', type: 'TeamCreated' })
 * // 'tower.events.team.k2x.TeamCreated'
 */
export function eventSubject(row: Pick<EventRow, 'stream_type' | 'stream_id' | 'type'>): string {
  const tokens = [row.stream_type, row.stream_id, row.type].map(subjectToken);
  return [EVENT_SUBJECT_PREFIX, ...tokens].join('.');
}

/** The filter subject for `--stream type:id` and `--type T`; any part left out matches all. */
export function eventFilterSubject(
  filter: { streamType?: string; streamId?: string; type?: string } = {},
): string {
  const part = (value: string | undefined) => (value ? subjectToken(value) : '*');
  return [EVENT_SUBJECT_PREFIX, part(filter.streamType), part(filter.streamId), part(filter.type)]
    .join('.')
    .replace(/\.\*\.\*\.\*$/u, '.>');
}

/** The headers of an event's message: its place in the log and the hash chain. */
export function eventHeaders(row: Pick<EventRow, 'seq' | 'hash' | 'prev_hash'>): MsgHdrs {
  const h = headers();
  h.set(EventHeader.seq, String(row.seq));
  h.set(EventHeader.hash, row.hash);
  h.set(EventHeader.prevHash, row.prev_hash);
  return h;
}

/** The Tower sequence number a message carries; 0 when it has none (not Tower's message). */
export function towerSeqOf(h: MsgHdrs | undefined): number {
  const value = Number(h?.get(EventHeader.seq));
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/**
 * Tower's ids and type names are plain letters, digits and dashes; anything a subject token
 * cannot hold (dots, wildcards, spaces) is replaced so that the subject stays valid.
 */
function subjectToken(value: string): string {
  return value.replace(/[^\x21-\x7e]|[.*>]/gu, '_') || '_';
}
