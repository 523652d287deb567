import { firstStart } from '../src/app/first-start.ts';
import { openTower } from '../src/app/open-tower.ts';
import { round, ratePerSecond, tempDir, type Bench } from './bench-kit.ts';

const COUNT = Number(process.env.BENCH_PIPELINE_COUNT ?? 2000);
const CLIENTS = 32;

/**
 * CreateNatsUser through the whole pipeline (validate, authorize, decide, append with fsync,
 * project, keystore) against raw single-row inserts, each its own fsynced commit, into the
 * same database file.
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
      const raw = await ratePerSecond(COUNT, () => insert.run(payload));

      const pipeline = await ratePerSecond(COUNT, (i) =>
        tower.bus.execute(
          'CreateNatsUser',
          {
            accountId: account.id,
            name: `svc-${i}`,
            permissions: { pub: { allow: ['orders.>'] } },
          },
          admin,
        ),
      );

      const concurrent = await concurrentRate(COUNT, CLIENTS, (i) =>
        tower.bus.execute(
          'CreateNatsUser',
          { accountId: account.id, name: `c-${i}`, permissions: { pub: { allow: ['orders.>'] } } },
          admin,
        ),
      );

      const ratio = pipeline / raw;
      return [
        {
          bench: 'command pipeline',
          name: `CreateNatsUser commands/s (${COUNT}, synchronous=FULL)`,
          value: round(pipeline, 0),
          unit: '/s',
          baselineName: 'raw single-row INSERT commits/s',
          baseline: round(raw, 0),
          ratio: round(ratio),
          target: '>= 0.5',
          met: ratio >= 0.5,
        },
        {
          bench: 'command pipeline',
          name: `CreateNatsUser commands/s from ${CLIENTS} concurrent clients (group commit)`,
          value: round(concurrent, 0),
          unit: '/s',
          baselineName: 'raw single-row INSERT commits/s',
          baseline: round(raw, 0),
          ratio: round(concurrent / raw),
          target: '>= 0.5',
          met: concurrent / raw >= 0.5,
        },
      ];
    } finally {
      tower.close();
      folder.remove();
    }
  },
};

/** Runs `count` calls from `clients` callers at once, each waiting for its previous call. */
async function concurrentRate(count: number, clients: number, fn: (i: number) => Promise<unknown>) {
  let next = 0;
  const start = process.hrtime.bigint();
  const client = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all([...Array(clients)].map(client));
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}
