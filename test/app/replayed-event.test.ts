import { afterEach, describe, expect, it } from 'vitest';
import { replay } from '../../src/app/replay.ts';
import type { RecordedEvent } from '../../src/events/index.ts';
import type { ProjectionFactory } from '../../src/projections/projection.ts';
import { rowToEvent, type EventRow } from '../../src/store/event-log.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

let tower: TempTower | undefined;
afterEach(() => tower?.destroy());

/** A projection that keeps a plain copy of every field of every event it is given. */
function recorder(seen: RecordedEvent[]): ProjectionFactory {
  const copy = (event: RecordedEvent): void => {
    seen.push({
      seq: event.seq,
      eventId: event.eventId,
      streamType: event.streamType,
      streamId: event.streamId,
      version: event.version,
      type: event.type,
      schemaVersion: event.schemaVersion,
      data: event.data,
      metadata: {
        actorId: event.metadata.actorId,
        commandId: event.metadata.commandId,
        correlationId: event.metadata.correlationId,
        occurredAt: event.metadata.occurredAt,
      },
      prevHash: event.prevHash,
      hash: event.hash,
    });
  };
  return () => ({
    name: 'recorder',
    tables: [],
    handlers: { TowerUserCreated: copy, InstallationCreated: copy, AccountCreated: copy },
  });
}

describe('replay hands projections the stored events', () => {
  it('gives every field as the log holds it, the ones it reads lazily included', async () => {
    tower = await tempTower();
    const installation = await tower.bus.execute(
      'CreateInstallation',
      { name: 'east', urls: ['nats://127.0.0.1:4222'] },
      tower.admin,
    );
    await tower.bus.execute(
      'CreateAccount',
      { installationId: installation.id, name: 'orders' },
      tower.admin,
    );

    const seen: RecordedEvent[] = [];
    replay(tower.db, { projections: [recorder(seen)] });

    const stored = (
      tower.db
        .prepare(
          `SELECT * FROM events
           WHERE type IN ('TowerUserCreated', 'InstallationCreated', 'AccountCreated')
           ORDER BY seq`,
        )
        .all() as EventRow[]
    ).map(rowToEvent);
    expect(stored.length).toBeGreaterThanOrEqual(4);
    expect(seen).toEqual(stored);
  });
});
