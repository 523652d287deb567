import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventJson, rowFromEventJson } from '../../src/mirror/event-json.ts';
import { eventFilterSubject, eventSubject } from '../../src/mirror/event-message.ts';
import { canonicalJson } from '../../src/store/canonical-json.ts';
import { GENESIS_HASH, hashEvent, type HashedColumns } from '../../src/store/event-hash.ts';
import { writeSampleLog } from '../cli/sample-log.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

/** The payload of a mirrored event, and the way back from it to the stored row. */
describe('event JSON', () => {
  let tower: TempTower;
  beforeAll(async () => {
    tower = await tempTower();
    await writeSampleLog(tower);
  });
  afterAll(() => tower?.destroy());

  it('is the recorded event, and turns back into the stored row', () => {
    for (const row of tower.log.readRows()) {
      const json = eventJson(row);

      expect(JSON.parse(json)).toEqual(tower.log.read({ after: row.seq - 1, limit: 1 })[0]);
      expect(rowFromEventJson(json)).toEqual(row);
    }
  });

  it('carries the stored form of an event written under an older schema version', () => {
    const columns: HashedColumns = {
      seq: 1,
      event_id: 'c0ffee00-0000-4000-8000-000000000001',
      stream_type: 'tower-user',
      stream_id: 'olduser',
      version: 1,
      type: 'TowerUserCreated',
      schema_version: 1,
      data: canonicalJson({ userId: 'olduser', email: 'o@example.test', name: 'Old', admin: true }),
      metadata: canonicalJson({
        actorId: 'system',
        commandId: 'c',
        correlationId: 'c',
        occurredAt: '2024-01-01T00:00:00.000Z',
      }),
      prev_hash: GENESIS_HASH,
    };
    const row = { ...columns, hash: hashEvent(columns) };

    const event = JSON.parse(eventJson(row));

    expect(event.schemaVersion).toBe(2);
    expect(event.data).toMatchObject({ displayName: 'Old', role: 'admin' });
    expect(event.stored).toEqual({ schemaVersion: 1, data: JSON.parse(columns.data) });
    expect(rowFromEventJson(eventJson(row))).toEqual(row);
  });

  it('names subjects by stream type, stream id and event type, and filters by any of them', () => {
    const row = { stream_type: 'nats-user', stream_id: 'a.b*c', type: 'NatsUserCreated' };

    expect(eventSubject(row)).toBe('tower.events.nats-user.a_b_c.NatsUserCreated');
    expect(eventFilterSubject({})).toBe('tower.events.>');
    expect(eventFilterSubject({ type: 'TeamCreated' })).toBe('tower.events.*.*.TeamCreated');
    expect(eventFilterSubject({ streamType: 'team', streamId: 'k2' })).toBe(
      'tower.events.team.k2.*',
    );
  });
});
