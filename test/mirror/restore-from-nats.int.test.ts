import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModelSnapshot } from '../cli/read-model-snapshot.ts';
import { writeSampleLog } from '../cli/sample-log.ts';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';
import { DELETED_HEADER } from '../../src/mirror/keystore-stream.ts';
import { readWholeStream } from '../../src/mirror/stream-reader.ts';
import { KEYSTORE_STREAM } from '../../src/mirror/streams.ts';
import { caughtUp, connectPlain, natsConfig, startTestMirror } from './mirror-fixture.ts';

/** Operational tables: what Tower did with the state, not the state itself. */
const OPERATIONAL = [
  'mirror_cursor',
  'mirror_keystore_queue',
  'installation_status',
  'sqlite_sequence',
];

/** A data folder lost with its disk comes back from the NATS that mirrors it. */
describe('tower restore --from-nats', () => {
  let server: NatsServer;
  let tower: TempTower;
  let keyFile: string;
  const env = () => ({ TOWER_NATS_URL: server.url });

  beforeAll(async () => {
    server = await startNatsServer({ jetstream: true });
    tower = await tempTower();
    // Mirrored while it happens, so that the rotated and deleted seeds leave the stream too.
    const { mirror } = startTestMirror(tower, natsConfig({ urls: [server.url] }));
    await writeSampleLog(tower);
    await caughtUp(mirror);
    await mirror.stop();
    keyFile = join(tower.dataDir, 'tower.key');
  });

  afterAll(async () => {
    tower?.destroy();
    await server?.stop();
  });

  it('rebuilds the log, read models, JWTs and keystore into an empty folder that verifies', async () => {
    const dataDir = join(tempDir(), 'restored');

    const restore = await runCli(dataDir, ['restore', '--from-nats', '--key-file', keyFile], {
      env: env(),
    });
    const verify = await runCli(dataDir, ['verify']);

    expect(restore.stderr).not.toContain('error');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`Restored ${tower.log.head().seq} events`);
    expect(verify.code).toBe(0);
    const restored = new BetterSqlite3(join(dataDir, 'tower.db'), { readonly: true });
    try {
      expect(withoutOperational(readModelSnapshot(restored))).toEqual(
        withoutOperational(readModelSnapshot(tower.db)),
      );
      for (const table of ['events', 'secrets', 'signed_jwts']) {
        expect(rows(restored, table), table).toEqual(rows(tower.db, table));
      }
    } finally {
      restored.close();
    }
  });

  it('has the keystore stream record removed seeds as deletions, without their values', async () => {
    const nc = await connectPlain(server.url);
    const deleted: string[] = [];
    let sealed = 0;
    for await (const msg of readWholeStream(nc, KEYSTORE_STREAM)) {
      if (msg.headers?.get(DELETED_HEADER)) deleted.push(msg.string());
      else sealed += 1;
    }
    await nc.close();

    // The sample log rotates one NATS user's key and deletes another user.
    expect(deleted).toEqual(['', '']);
    expect(sealed).toBe(tower.db.prepare('SELECT count(*) FROM secrets').pluck().get());
  });

  it('needs the master key, and leaves the folder empty when the key is wrong', async () => {
    const wrongKey = join(tempDir(), 'wrong.key');
    writeFileSync(wrongKey, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    const noKeyDir = join(tempDir(), 'no-key');
    const wrongKeyDir = join(tempDir(), 'wrong-key');

    const withoutKey = await runCli(noKeyDir, ['restore', '--from-nats'], { env: env() });
    const withWrongKey = await runCli(
      wrongKeyDir,
      ['restore', '--from-nats', '--key-file', wrongKey],
      {
        env: env(),
      },
    );

    expect(withoutKey.code).toBe(1);
    expect(withoutKey.stderr).toContain('error [keystore_key_missing]');
    expect(existsSync(noKeyDir)).toBe(false);
    expect(withWrongKey.code).toBe(1);
    expect(withWrongKey.stderr).toContain('error [keystore_key_wrong]');
    expect(readdirSync(wrongKeyDir)).toEqual([]);
  });

  it('refuses a folder that holds anything', async () => {
    const result = await runCli(tower.dataDir, ['restore', '--from-nats', '--key-file', keyFile], {
      env: env(),
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error [invalid_state] The data folder');
  });
});

function withoutOperational(snapshot: Record<string, string[]>) {
  return Object.fromEntries(
    Object.entries(snapshot).filter(([table]) => !OPERATIONAL.includes(table)),
  );
}

function rows(db: BetterSqlite3.Database, table: string): unknown[] {
  return db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).all();
}
