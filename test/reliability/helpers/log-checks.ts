import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { readModelSnapshot } from '../../cli/read-model-snapshot.ts';
import { runCli, tempDir } from '../../helpers/run-cli.ts';

/** Tables that `tower serve` keeps for its own running state, not built from the log. */
const RUNTIME_TABLES = new Set(['mirror_cursor', 'mirror_keystore_queue']);

/** `tower verify` (and with `mirror`, `--mirror`) on the data folder; its output on failure. */
export async function verifyDataFolder(dataDir: string, mirror = false) {
  const result = await runCli(dataDir, ['verify', ...(mirror ? ['--mirror'] : [])]);
  return { ok: result.code === 0, output: `${result.stdout}${result.stderr}` };
}

/**
 * The read models of the live database and of `tower replay --into` a new file, table by
 * table, for the tables replay builds: equal when the projections match the log.
 */
export async function liveAndReplayed(dataDir: string) {
  const into = join(tempDir('tower-replay-'), 'replayed.db');
  const result = await runCli(dataDir, ['replay', '--into', into]);
  if (result.code !== 0) throw new Error(`replay failed: ${result.stdout}${result.stderr}`);

  const replayed = readModelSnapshot(into);
  const live = readModelSnapshot(join(dataDir, 'tower.db'));
  for (const table of Object.keys(live)) {
    if (!(table in replayed) || RUNTIME_TABLES.has(table)) delete live[table];
  }
  for (const table of RUNTIME_TABLES) delete replayed[table];
  return { live, replayed };
}

/** The last log sequence number and the last one the mirror acknowledged. */
export function mirrorPosition(dbFile: string): { logSeq: number; mirrorSeq: number } {
  const db = new BetterSqlite3(dbFile, { readonly: true });
  try {
    const logSeq = (db.prepare('SELECT max(seq) FROM events').pluck().get() as number) ?? 0;
    const mirrorSeq =
      (db
        .prepare("SELECT tower_seq FROM mirror_cursor WHERE stream = 'TOWER_EVENTS'")
        .pluck()
        .get() as number | undefined) ?? 0;
    return { logSeq, mirrorSeq };
  } finally {
    db.close();
  }
}
