import { join } from 'node:path';
import { openTower } from '../src/app/open-tower.ts';
import { replay } from '../src/app/replay.ts';
import { SYSTEM_ACTOR } from '../src/commands/index.ts';
import { round, seconds, tempDir, type Bench, type Figure } from './bench-kit.ts';
import { writeSyntheticLog } from './synthetic-log.ts';

const COUNT = Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000);

/**
 * Rebuilding every read model from the log against a raw SELECT that reads every column of
 * every event row of the same table, in the same run.
 */
export const replayBench: Bench = {
  name: 'replay',
  async run() {
    const folder = tempDir('tower-bench-replay-');
    const tower = openTower({ dataDir: folder.dir, synchronous: 'OFF' });
    try {
      const build = seconds(() => writeSyntheticLog(tower.db, tower.log, COUNT));
      console.error(`  wrote ${COUNT} events in ${round(build.seconds, 1)} s`);

      const scan = seconds(() => {
        let rows = 0;
        for (const _row of tower.db.prepare('SELECT * FROM events ORDER BY seq').iterate()) rows++;
        return rows;
      });
      const inPlace = seconds(() => replay(tower.db));
      const into = seconds(() => replay(tower.db, { into: join(folder.dir, 'rebuilt.db') }));

      const rawRate = scan.result / scan.seconds;
      const figure = (name: string, run: { seconds: number }) => {
        const rate = COUNT / run.seconds;
        const ratio = rate / rawRate;
        return {
          bench: 'replay',
          name: `${name}: ${COUNT} events in ${round(run.seconds, 2)} s`,
          value: round(rate, 0),
          unit: 'events/s',
          baselineName: 'raw SELECT * scan',
          baseline: round(rawRate, 0),
          ratio: round(ratio),
          target: '>= 0.25 and < 10 s',
          met: ratio >= 0.25 && (COUNT < 1_000_000 || run.seconds < 10),
        };
      };
      return [
        figure('read models in place', inPlace),
        figure('read models --into a new file', into),
        await signerReplayFigure(),
      ];
    } finally {
      tower.close();
      folder.remove();
    }
  },
};

const SIGNED_COMMANDS = Number(process.env.BENCH_SIGNER_COMMANDS ?? 5000);

/**
 * A full replay, signer included, re-signs every JWT of the log's history. Its log is built
 * through the command bus (the synthetic log has no keys to sign with), and the figure is
 * reported without a target: the core read-model figures above carry the targets.
 */
async function signerReplayFigure(): Promise<Figure> {
  const folder = tempDir('tower-bench-signer-replay-');
  const tower = openTower({ dataDir: folder.dir, synchronous: 'OFF' });
  try {
    const admin = SYSTEM_ACTOR;
    const installation = await tower.bus.execute(
      'CreateInstallation',
      { name: 'bench', urls: ['nats://127.0.0.1:4222'] },
      admin,
    );
    const accounts: string[] = [];
    for (let i = 0; i < 50; i++) {
      const account = await tower.bus.execute(
        'CreateAccount',
        { installationId: installation.id, name: `account-${i}` },
        admin,
      );
      accounts.push(account.id!);
    }
    // NATS users come and go, and every fourth one has its credentials rotated: each rotation
    // and deletion revokes a key, so its account's JWT is signed again.
    for (let i = 0; i < SIGNED_COMMANDS; i++) {
      const user = await tower.bus.execute(
        'CreateNatsUser',
        { accountId: accounts[i % accounts.length], name: `svc-${i}` },
        admin,
      );
      if (i % 4 === 1)
        await tower.bus.execute('RotateNatsUserCredentials', { natsUserId: user.id }, admin);
      if (i % 4 === 2) await tower.bus.execute('DeleteNatsUser', { natsUserId: user.id }, admin);
    }
    const events = tower.log.head().seq;
    const scan = seconds(() => tower.db.prepare('SELECT * FROM events').all().length);
    const full = seconds(() => replay(tower.db, { projections: tower.projections }));
    const rate = events / full.seconds;
    const rawRate = scan.result / scan.seconds;
    return {
      bench: 'replay',
      name: `all projections with the signer (re-signs every operator and account JWT): ${events} events in ${round(full.seconds, 2)} s`,
      value: round(rate, 0),
      unit: 'events/s',
      baselineName: 'raw SELECT * scan',
      baseline: round(rawRate, 0),
      ratio: round(rate / rawRate),
      target: 'none (reported)',
      met: true,
    };
  } finally {
    tower.close();
    folder.remove();
  }
}
