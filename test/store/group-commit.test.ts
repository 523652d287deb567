import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

describe('group commit', () => {
  let tower: TempTower;
  beforeEach(async () => {
    tower = await tempTower();
  });
  afterEach(() => tower.destroy());

  it('commits commands that arrive together in one transaction, each deciding on the last', async () => {
    const commits = countTopLevelTransactions(tower);
    const before = tower.log.head().seq;
    const names = [...Array(40).keys()].map((i) => `team ${i % 30}`);

    const outcomes = await Promise.allSettled(
      names.map((name) => tower.bus.execute('CreateTeam', { name }, tower.admin)),
    );

    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused).toHaveLength(10);
    for (const outcome of refused) {
      expect((outcome as PromiseRejectedResult).reason).toMatchObject({ code: 'name_taken' });
    }
    expect(tower.log.head().seq).toBe(before + 30);
    expect(tower.db.prepare('SELECT count(*) FROM teams').pluck().get()).toBe(30);
    expect(commits()).toBe(1);
  });

  it('rolls back a refused command alone, leaving no event, secret or ledger row of it', async () => {
    const installation = await tower.bus.execute(
      'CreateInstallation',
      { name: 'prod', urls: ['nats://127.0.0.1:4222'] },
      tower.admin,
    );
    const secrets = () => tower.db.prepare('SELECT count(*) FROM secrets').pluck().get() as number;
    const secretsBefore = secrets();

    const [first, second] = await Promise.allSettled([
      tower.bus.execute(
        'CreateAccount',
        { installationId: installation.id, name: 'a' },
        tower.admin,
      ),
      tower.bus.execute(
        'CreateAccount',
        { installationId: installation.id, name: 'a' },
        tower.admin,
        { commandId: 'the-refused-one' },
      ),
    ]);

    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'name_taken' } });
    // The accepted account brought two keys; the refused one's keys were rolled back.
    expect(secrets()).toBe(secretsBefore + 2);
    const ledger = tower.db.prepare(`SELECT count(*) FROM commands WHERE command_id = ?`).pluck();
    expect(ledger.get('the-refused-one')).toBe(0);
  });

  it('answers a command id sent twice in one batch with the first outcome', async () => {
    const before = tower.log.head().seq;
    const [first, second] = await Promise.all([
      tower.bus.execute('CreateTeam', { name: 'Blue' }, tower.admin, { commandId: 'twice' }),
      tower.bus.execute('CreateTeam', { name: 'Blue' }, tower.admin, { commandId: 'twice' }),
    ]);

    expect(first).toMatchObject({ replayed: false });
    expect(second).toMatchObject({ id: first.id, firstSeq: first.firstSeq, replayed: true });
    expect(tower.log.head().seq).toBe(before + 1);
  });

  it('refuses a command id sent twice in one batch for different commands', async () => {
    const [first, second] = await Promise.allSettled([
      tower.bus.execute('CreateTeam', { name: 'Blue' }, tower.admin, { commandId: 'twice' }),
      tower.bus.execute('CreateTeam', { name: 'Green' }, tower.admin, { commandId: 'twice' }),
    ]);

    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'command_id_reused' } });
    expect(tower.db.prepare(`SELECT count(*) FROM teams WHERE name = 'Green'`).pluck().get()).toBe(
      0,
    );
  });

  it('answers with the first outcome when another writer records the same id meanwhile', async () => {
    const first = await tower.bus.execute('CreateTeam', { name: 'Blue' }, tower.admin, {
      commandId: 'raced',
    });
    await tower.bus.execute('RenameTeam', { teamId: first.id, name: 'Azure' }, tower.admin);
    // Take the ledger row away, so the bus's first look finds nothing, then put it back before
    // the queued command commits, as another process writing the same database would.
    const ledger = tower.db.prepare(`SELECT * FROM commands WHERE command_id = 'raced'`).get();
    tower.db.prepare(`DELETE FROM commands WHERE command_id = 'raced'`).run();
    const head = tower.log.head();

    const again = tower.bus.execute('CreateTeam', { name: 'Blue' }, tower.admin, {
      commandId: 'raced',
    });
    const columns = Object.keys(ledger as object);
    tower.db
      .prepare(
        `INSERT INTO commands (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
      )
      .run(ledger);

    await expect(again).resolves.toMatchObject({ id: first.id, replayed: true, events: [] });
    expect(tower.log.head()).toEqual(head);
    expect(tower.db.prepare(`SELECT count(*) FROM teams WHERE name = 'Blue'`).pluck().get()).toBe(
      0,
    );
  });
});

/** Counts the bus's top-level (IMMEDIATE) transactions from now on. */
function countTopLevelTransactions(tower: TempTower): () => number {
  const db = tower.db;
  const original = db.transaction.bind(db);
  let count = 0;
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const wrapped = original(fn);
    // better-sqlite3 freezes its transaction functions, so count through a stand-in.
    return Object.assign((...args: unknown[]) => wrapped(...args), {
      default: wrapped.default,
      deferred: wrapped.deferred,
      exclusive: wrapped.exclusive,
      immediate: (...args: unknown[]) => {
        count++;
        return wrapped.immediate(...args);
      },
    });
  }) as typeof db.transaction;
  return () => count;
}
