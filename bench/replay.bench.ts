import { join } from 'node:path';
import { openTower } from '../src/app/open-tower.ts';
import { replay } from '../src/app/replay.ts';
import { round, seconds, tempDir, type Bench } from './bench-kit.ts';
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
      return [figure('replay in place', inPlace), figure('replay --into a new file', into)];
    } finally {
      tower.close();
      folder.remove();
    }
  },
};
