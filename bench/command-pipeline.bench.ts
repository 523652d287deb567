import { firstStart } from '../src/app/first-start.ts';
import { openTower } from '../src/app/open-tower.ts';
import { concurrentRate, median, round, ratePerSecond, tempDir, type Bench } from './bench-kit.ts';

const COUNT = Number(process.env.BENCH_PIPELINE_COUNT ?? 3000);
const ROUNDS = 3;
const CLIENTS = 32;

/**
 * CreateNatsUser through the whole pipeline (validate, authorize, decide, append with fsync,
 * project, keystore) against raw single-row inserts, each its own fsynced commit, into the
 * same database file. The target is the pipeline's throughput: commands from 32 clients at
 * once against inserts from 32 callers at once (SQLite runs them one by one, so that is the
 * raw insert rate). One client waiting for each command is reported too: it measures a
 * command's latency, which group commit cannot hide.
 */
export const commandPipelineBench: Bench = {
  name: 'command pipeline',
  async run() {
    const folder = tempDir('tower-bench-pipeline-');
    const tower = openTower({ dataDir: folder.dir, synchronous: 'FULL' });
    try {
      await firstStart(tower, {
        adminEmail: 'admin@bench.test',
        adminPassword: 'bench-password-1',
        userEmail: 'user@bench.test',
        userPassword: 'bench-password-2',
      });
      const admin = {
        userId: tower.reader.towerUserByEmail('admin@bench.test')!.id,
        role: 'admin' as const,
      };
      const installation = await tower.bus.execute(
        'CreateInstallation',
        { name: 'bench', urls: ['nats://127.0.0.1:4222'] },
        admin,
      );
      const account = await tower.bus.execute(
        'CreateAccount',
        { installationId: installation.id, name: 'bench' },
        admin,
      );

      tower.db.exec('CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
      const insert = tower.db.prepare('INSERT INTO bench_raw (data) VALUES (?)');
      const payload = JSON.stringify({ name: 'svc', permissions: { pub: { allow: ['a.>'] } } });
      const create = (name: string) =>
        tower.bus.execute(
          'CreateNatsUser',
          { accountId: account.id, name, permissions: { pub: { allow: ['orders.>'] } } },
          admin,
        );

      // Rounds that interleave raw inserts and commands, medians of each: this machine's
      // speed swings within a minute, and a single pair of runs can land on either side.
      const runs = { raw: [], pipeline: [], rawConcurrent: [], concurrent: [] } as Record<
        'raw' | 'pipeline' | 'rawConcurrent' | 'concurrent',
        number[]
      >;
      for (let round = 0; round < ROUNDS; round++) {
        runs.raw.push(await ratePerSecond(COUNT, () => insert.run(payload)));
        runs.pipeline.push(await ratePerSecond(COUNT, (i) => create(`svc-${round}-${i}`)));
        // The same inserts offered as the concurrent commands are: from 32 callers at once.
        runs.rawConcurrent.push(
          await concurrentRate(COUNT, CLIENTS, async () => insert.run(payload)),
        );
        runs.concurrent.push(
          await concurrentRate(COUNT, CLIENTS, (i) => create(`c-${round}-${i}`)),
        );
      }
      const raw = median(runs.raw);
      const rawConcurrent = median(runs.rawConcurrent);
      const pipeline = median(runs.pipeline);
      const concurrent = median(runs.concurrent);

      return [
        {
          bench: 'command pipeline',
          name: `CreateNatsUser commands/s from ${CLIENTS} concurrent clients (${ROUNDS}×${COUNT}, synchronous=FULL, median)`,
          value: round(concurrent, 0),
          unit: '/s',
          baselineName: `raw single-row INSERT commits/s, ${CLIENTS} callers`,
          baseline: round(rawConcurrent, 0),
          ratio: round(concurrent / rawConcurrent),
          target: '>= 0.5',
          met: concurrent / rawConcurrent >= 0.5,
        },
        {
          // One client waits for each command before it sends the next, so this is one
          // command's latency (its CPU plus a commit of about thirteen pages) turned into a rate.
          bench: 'command pipeline',
          name: `CreateNatsUser commands/s from one client waiting for each (${ROUNDS}×${COUNT}, median)`,
          value: round(pipeline, 0),
          unit: '/s',
          baselineName: 'raw single-row INSERT commits/s, one caller',
          baseline: round(raw, 0),
          ratio: round(pipeline / raw),
          target: 'reported',
          met: true,
        },
      ];
    } finally {
      tower.close();
      folder.remove();
    }
  },
};
