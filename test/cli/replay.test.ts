import BetterSqlite3 from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, openTower } from '../../src/app/open-tower.ts';
import { replay, type ReplayProgress } from '../../src/app/replay.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';
import { readModelSnapshot } from './read-model-snapshot.ts';
import { writeSampleLog } from './sample-log.ts';

describe('tower replay', () => {
  let tower: TempTower;
  let sample: Awaited<ReturnType<typeof writeSampleLog>>;
  let live: Record<string, string[]>;
  let dbFile: string;

  beforeEach(async () => {
    tower = await tempTower();
    sample = await writeSampleLog(tower);
    live = readModelSnapshot(tower.db);
    dbFile = join(tower.dataDir, DATABASE_FILE);
    tower.close();
  });
  afterEach(() => tower.destroy());

  it('rebuilds in place exactly the read models the live run built', async () => {
    const db = new BetterSqlite3(dbFile);
    db.exec('DELETE FROM teams; DELETE FROM accounts; DELETE FROM signed_jwts');
    db.exec("UPDATE nats_users SET name = 'renamed behind Tower''s back'");
    db.close();

    const result = await runCli(tower.dataDir, ['replay']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Replayed 14 events \(to seq 14\) in place in [\d.]+ s: [\d,]+ events\/s\.$/mu,
    );
    expect(readModelSnapshot(dbFile)).toEqual(live);
    expect(Object.keys(live)).toEqual(
      expect.arrayContaining(['teams', 'accounts', 'nats_users', 'signed_jwts']),
    );
    expect(live.signed_jwts!.length).toBeGreaterThan(0);
  });

  it('builds the state as of an earlier event into a new file, for an auditor', async () => {
    const into = join(tempDir(), 'before-rename.db');
    const before = sample.renameSeq - 1;

    const result = await runCli(tower.dataDir, ['replay', '--to', String(before), '--into', into]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`(to seq ${before}) into ${into}`);
    const db = new BetterSqlite3(into, { readonly: true });
    expect(db.prepare('SELECT name FROM teams WHERE id = ?').pluck().get(sample.teamId)).toBe(
      'Payments',
    );
    expect(db.prepare('SELECT DISTINCT seq FROM projection_checkpoints').pluck().all()).toEqual([
      before,
    ]);
    db.close();
    expect(readModelSnapshot(dbFile)).toEqual(live);
  });

  it('builds the head state into a new file equal to the live read models', async () => {
    const into = join(tempDir(), 'head.db');

    const result = await runCli(tower.dataDir, ['replay', '--into', into]);

    expect(result.code).toBe(0);
    expect(readModelSnapshot(into)).toEqual(live);
  });

  it('refuses an earlier state in place, a state past the head, an existing file', async () => {
    const existing = join(tower.dataDir, DATABASE_FILE);

    const inPlace = await runCli(tower.dataDir, ['replay', '--to', '3']);
    const pastHead = await runCli(tower.dataDir, ['replay', '--to', '99', '--into', 'x.db']);
    const overwrite = await runCli(tower.dataDir, ['replay', '--into', existing]);

    expect(inPlace.stderr).toMatch(
      /^error \[invalid_input\] --to needs --into FILE.*\(field: to\)/u,
    );
    expect(pastHead.stderr).toMatch(
      /^error \[invalid_input\] --to 99 is beyond the log head \(14\)/u,
    );
    expect(overwrite.stderr).toMatch(
      /^error \[invalid_input\] .* already exists.*\(field: into\)/u,
    );
    expect([inPlace.code, pastHead.code, overwrite.code]).toEqual([1, 1, 1]);
    expect(existsSync('x.db')).toBe(false);
  });

  it('applies the log in batches and reports progress after each', () => {
    const opened = openTower({ dataDir: tower.dataDir });
    const { db, projections } = opened;
    const progress: ReplayProgress[] = [];

    const result = replay(db, { projections, batchSize: 4, onProgress: (p) => progress.push(p) });

    expect(result.events).toBe(14);
    expect(progress.map((p) => [p.done, p.seq, p.total])).toEqual([
      [4, 4, 14],
      [8, 8, 14],
      [12, 12, 14],
      [14, 14, 14],
    ]);
    expect(readModelSnapshot(db)).toEqual(live);
    opened.close();
  });
});
