import type { Tower } from '../../src/app/open-tower.ts';
import { canonicalJson } from '../../src/store/canonical-json.ts';
import { hashEvent } from '../../src/store/event-hash.ts';

/**
 * Appends a version 1 TowerUserCreated (`name` and `admin` where version 2 has `displayName` and
 * `role`) exactly as an older Tower stored it, chained to the head. Returns its sequence number.
 */
export function appendVersionOneTowerUserCreated(tower: Tower, userId = 'legacy-user'): number {
  const { seq, hash } = tower.log.head();
  const row = {
    seq: seq + 1,
    event_id: `legacy-${userId}`,
    stream_type: 'tower-user',
    stream_id: userId,
    version: 1,
    type: 'TowerUserCreated',
    schema_version: 1,
    data: canonicalJson({ userId, email: 'old@example.test', name: 'Old', admin: true }),
    metadata: canonicalJson({
      actorId: 'system',
      commandId: `legacy-${userId}`,
      correlationId: `legacy-${userId}`,
      occurredAt: '2026-01-01T00:00:00.000Z',
    }),
    prev_hash: hash,
  };
  tower.db
    .prepare(
      `INSERT INTO events (seq, event_id, stream_type, stream_id, version, type, schema_version,
         data, metadata, prev_hash, hash) VALUES (@seq, @event_id, @stream_type, @stream_id,
         @version, @type, @schema_version, @data, @metadata, @prev_hash, @hash)`,
    )
    .run({ ...row, hash: hashEvent(row) });
  return row.seq;
}
