import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSteps, stepArbitrary } from '../helpers/random-commands.ts';
import { TEST_PASSWORD, tempTower, type TempTower } from '../helpers/temp-tower.ts';

const SEED = /S[OAU][A-Z2-7]{56}/u;

describe('secrets never enter the event log', () => {
  let tower: TempTower;
  const extraPassword = 'another-secret-passphrase';

  beforeAll(async () => {
    tower = await tempTower();
    await tower.bus.execute(
      'CreateTowerUser',
      { email: 'ops@example.test', displayName: 'Ops', role: 'user', password: extraPassword },
      tower.admin,
    );
    await tower.bus.execute(
      'ChangeOwnPassword',
      { currentPassword: TEST_PASSWORD, newPassword: `${extraPassword}-2` },
      tower.user,
    );
    const steps = fc.sample(fc.array(stepArbitrary, { minLength: 1500, maxLength: 1500 }), {
      numRuns: 1,
      seed: 7,
    })[0]!;
    await runSteps(tower, steps, tower.admin, tower.user);
  });
  afterAll(() => tower.destroy());

  it('holds keys for what the fixture created, so the scan looks at a real run', () => {
    const seeds = tower.db.prepare(`SELECT count(*) FROM secrets WHERE id LIKE 'nkey:%'`).pluck();
    expect(seeds.get()).toBeGreaterThan(100);
    expect(tower.log.head().seq).toBeGreaterThan(400);
  });

  it('stores no nkey seed, password or password hash in any event or ledger row', () => {
    const rows = [
      ...(tower.db.prepare('SELECT data, metadata FROM events').raw().all() as string[][]),
      ...(tower.db.prepare('SELECT payload_hash, result FROM commands').raw().all() as string[][]),
    ];
    const forbidden = [TEST_PASSWORD, extraPassword, 'scrypt$'];
    for (const columns of rows) {
      const text = columns.join('\n');
      expect(text).not.toMatch(SEED);
      for (const secret of forbidden) expect(text).not.toContain(secret);
    }
  });

  it('keeps the keystore sealed: its ciphertext holds no readable seed', () => {
    const blobs = tower.db.prepare('SELECT ciphertext FROM secrets').pluck().all() as Buffer[];
    for (const blob of blobs) expect(blob.toString('latin1')).not.toMatch(SEED);
  });
});
