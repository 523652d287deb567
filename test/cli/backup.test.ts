import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTower } from '../../src/app/open-tower.ts';
import { verifyPassword } from '../../src/app/passwords.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';
import { TEST_PASSWORD, tempTower, type TempTower } from '../helpers/temp-tower.ts';
import { writeSampleLog } from './sample-log.ts';

describe('tower backup and tower restore', () => {
  let tower: TempTower;
  let file: string;

  beforeEach(async () => {
    tower = await tempTower();
    await writeSampleLog(tower);
    tower.close();
    file = join(tempDir(), 'tower-backup.db');
  });
  afterEach(() => tower.destroy());

  it('round-trips the log, the keystore and the passwords into an empty folder', async () => {
    const restoredDir = join(tempDir(), 'restored');

    const backup = await runCli(tower.dataDir, ['backup', file]);
    const restore = await runCli(restoredDir, ['restore', file]);
    const verify = await runCli(restoredDir, ['verify']);

    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`Backed up 14 events to ${file}.`);
    expect(backup.stdout).toContain(`Copied the key file to ${file}.key (mode 0600).`);
    expect(statSync(`${file}.key`).mode & 0o777).toBe(0o600);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('Verified: 14 events');
    expect(verify.code).toBe(0);

    const original = openTower({ dataDir: tower.dataDir });
    const restored = openTower({ dataDir: restoredDir });
    try {
      expect(restored.log.read()).toEqual(original.log.read());
      const hash = restored.keystore.get(`password:${tower.admin.userId}`)!;
      expect(await verifyPassword(TEST_PASSWORD, hash)).toBe(true);
      expect(restored.keystore.audit()).toEqual([]);
    } finally {
      original.close();
      restored.close();
    }
  });

  it('refuses to restore into a folder that holds anything, and leaves it alone', async () => {
    await runCli(tower.dataDir, ['backup', file]);
    const busyDir = tempDir();
    writeFileSync(join(busyDir, 'notes.txt'), 'mine');

    const restore = await runCli(busyDir, ['restore', file]);
    const overLive = await runCli(tower.dataDir, ['restore', file]);

    expect(restore.code).toBe(1);
    expect(restore.stderr).toMatch(
      /^error \[invalid_state\] The data folder .* is not empty\. .*\(field: TOWER_DATA_DIR\)$/mu,
    );
    expect(readdirSync(busyDir)).toEqual(['notes.txt']);
    expect(overLive.code).toBe(1);
  });

  it('says the key was not copied when it comes from TOWER_SECRET_KEY', async () => {
    const secretKey = 'cd'.repeat(32);
    const dataDir = tempDir();
    const env = { TOWER_SECRET_KEY: secretKey };
    await runCli(dataDir, ['init'], { env });

    const backup = await runCli(dataDir, ['backup', file], { env });
    const withoutKey = await runCli(tempDir(), ['restore', file]);
    const withKey = await runCli(join(tempDir(), 'new'), ['restore', file], { env });

    expect(backup.stdout).toContain('The key was not copied: it comes from TOWER_SECRET_KEY.');
    expect(existsSync(`${file}.key`)).toBe(false);
    expect(backup.stdout + backup.stderr).not.toContain(secretKey);
    expect(withoutKey.stderr).toMatch(/^error \[keystore_key_missing\]/u);
    expect(withKey.code).toBe(0);
    expect(withKey.stdout).toContain('The key comes from TOWER_SECRET_KEY.');
  });

  it('refuses to write over an existing file', async () => {
    writeFileSync(file, 'precious');

    const backup = await runCli(tower.dataDir, ['backup', file]);

    expect(backup.code).toBe(1);
    expect(backup.stderr).toMatch(/^error \[invalid_input\] .* already exists/u);
  });
});
