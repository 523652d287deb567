import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { event } from '../../src/events/index.ts';
import { isTowerError } from '../../src/errors/index.ts';
import { GENESIS_HASH, hashEvent } from '../../src/store/event-hash.ts';
import { verifyLog } from '../../src/store/verify-log.ts';
import { appendVersionOneTowerUserCreated } from '../helpers/legacy-event.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

const metadata = {
  actorId: 'system',
  commandId: 'c-1',
  correlationId: 'c-1',
  occurredAt: '2026-01-01T00:00:00.000Z',
};

describe('event log', () => {
  let tower: TempTower;
  beforeEach(async () => {
    tower = await tempTower();
  });
  afterEach(() => tower.destroy());

  it('rejects UPDATE and DELETE on the events table through its triggers', () => {
    expect(() => tower.db.prepare(`UPDATE events SET type = 'X' WHERE seq = 1`).run()).toThrow(
      /append-only: UPDATE/,
    );
    expect(() => tower.db.prepare('DELETE FROM events WHERE seq = 1').run()).toThrow(
      /append-only: DELETE/,
    );
    expect(verifyLog(tower.db).ok).toBe(true);
  });

  it('chains every event to the one before it', () => {
    const rows = tower.log.readRows();
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    for (const [index, row] of rows.entries()) {
      expect(row.seq).toBe(index + 1);
      expect(hashEvent(row)).toBe(row.hash);
      if (index > 0) expect(row.prev_hash).toBe(rows[index - 1]!.hash);
    }
  });

  it('refuses an append whose expected stream version is stale, with a typed conflict', () => {
    const teamId = 'team-1';
    const append = (expected: number) =>
      tower.db.transaction(() =>
        tower.log.append(
          [event('TeamRenamed', { teamId, name: `n${expected}` })],
          metadata,
          new Map([[`team:${teamId}`, expected]]),
        ),
      )();

    tower.db.transaction(() =>
      tower.log.append([event('TeamCreated', { teamId, name: 'a' })], metadata),
    )();
    expect(append(1)[0]!.version).toBe(2);

    const before = tower.log.head();
    let caught: unknown;
    try {
      append(1);
    } catch (error) {
      caught = error;
    }
    expect(isTowerError(caught) && caught.code).toBe('version_conflict');
    expect(tower.log.head()).toEqual(before);
  });

  it('rejects a client command with a stale expectedVersion and appends nothing', async () => {
    const team = await tower.bus.execute('CreateTeam', { name: 'Ops' }, tower.admin);
    await tower.bus.execute('RenameTeam', { teamId: team.id, name: 'Ops 2' }, tower.admin);
    const head = tower.log.head();

    await expect(
      tower.bus.execute(
        'RenameTeam',
        { teamId: team.id, name: 'Ops 3', expectedVersion: 1 },
        tower.admin,
      ),
    ).rejects.toMatchObject({ code: 'version_conflict', status: 409 });
    expect(tower.log.head()).toEqual(head);
    expect(tower.reader.team(team.id!)!.name).toBe('Ops 2');
  });

  it('returns the first outcome for a repeated command id and appends nothing', async () => {
    const first = await tower.bus.execute('CreateTeam', { name: 'Blue' }, tower.admin, {
      commandId: 'cmd-42',
    });
    const head = tower.log.head();
    const again = await tower.bus.execute('CreateTeam', { name: 'Blue' }, tower.admin, {
      commandId: 'cmd-42',
    });

    expect(again).toMatchObject({ id: first.id, firstSeq: first.firstSeq, replayed: true });
    expect(again.events).toEqual([]);
    expect(tower.log.head()).toEqual(head);
    await expect(
      tower.bus.execute('CreateTeam', { name: 'Green' }, tower.admin, { commandId: 'cmd-42' }),
    ).rejects.toMatchObject({ code: 'command_id_reused' });
  });

  it('writes events, read models and the command id together or not at all', async () => {
    const head = tower.log.head();
    const installation = await tower.bus.execute(
      'CreateInstallation',
      { name: 'prod', urls: ['nats://127.0.0.1:4222'] },
      tower.admin,
    );
    const count = (sql: string) => tower.db.prepare(sql).pluck().get();
    const before = [count('SELECT count(*) FROM accounts'), count('SELECT count(*) FROM commands')];

    // The second account name collides inside the decider: nothing of the command may remain.
    await tower.bus.execute(
      'CreateAccount',
      { installationId: installation.id, name: 'orders' },
      tower.admin,
    );
    await expect(
      tower.bus.execute(
        'CreateAccount',
        { installationId: installation.id, name: 'orders' },
        tower.admin,
        { commandId: 'dup' },
      ),
    ).rejects.toMatchObject({ code: 'name_taken', field: 'name' });

    expect(count('SELECT count(*) FROM accounts')).toBe((before[0] as number) + 1);
    expect(count(`SELECT count(*) FROM commands WHERE command_id = 'dup'`)).toBe(0);
    expect(tower.log.head().seq).toBe(head.seq + 2);
  });

  it('reads a version 1 TowerUserCreated as version 2 through its upcaster', () => {
    const seq = appendVersionOneTowerUserCreated(tower) - 1;

    const [read] = tower.log.read({ after: seq });
    expect(read).toMatchObject({
      type: 'TowerUserCreated',
      schemaVersion: 2,
      data: { userId: 'legacy-user', email: 'old@example.test', displayName: 'Old', role: 'admin' },
    });
    expect(verifyLog(tower.db).ok).toBe(true);
  });
});
