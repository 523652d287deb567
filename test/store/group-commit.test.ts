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
