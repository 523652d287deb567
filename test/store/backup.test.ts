import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDataFolder, restoreDataFolder } from '../../src/app/backup.ts';
import { openTower } from '../../src/app/open-tower.ts';
import { TowerError } from '../../src/errors/index.ts';
import { tempDir } from '../helpers/run-cli.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof TowerError) return error.code;
    throw error;
  }
  return undefined;
}

describe('backupDataFolder and restoreDataFolder', () => {
  let tower: TempTower;
  let file: string;

  beforeEach(async () => {
    tower = await tempTower();
    file = join(tempDir('tower-backup-'), 'backup.db');
  });
  afterEach(() => tower.destroy());

  it('copies a consistent database while another connection keeps appending', async () => {
    let finished = false;
    const backup = backupDataFolder({ dataDir: tower.dataDir, file }).finally(() => {
      finished = true;
    });
    for (let i = 0; !finished; i++) {
      await tower.bus.execute('CreateTeam', { name: `team ${i}` }, tower.admin);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const result = await backup;

    const restored = restoreDataFolder({ file, dataDir: join(tempDir(), 'restored') });

    expect(restored.report).toMatchObject({ ok: true, headSeq: result.headSeq });
    expect(restored.tamperedSecrets).toEqual([]);
    expect(result.headSeq).toBeLessThanOrEqual(tower.log.head().seq);
  });

  it('leaves a single file beside its key, both private', async () => {
    const result = await backupDataFolder({ dataDir: tower.dataDir, file });

    expect(result.keyFile).toBe(`${file}.key`);
    expect(readdirSync(join(file, '..')).sort()).toEqual(['backup.db', 'backup.db.key']);
    for (const written of [file, `${file}.key`]) {
      expect(statSync(written).mode & 0o777).toBe(0o600);
    }
  });

  it('leaves the folder empty again when the key does not open the backup', async () => {
    await backupDataFolder({ dataDir: tower.dataDir, file });
    const dataDir = tempDir();

    const code = errorCode(() => restoreDataFolder({ file, dataDir, secretKey: 'ef'.repeat(32) }));

    expect(code).toBe('keystore_key_wrong');
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('refuses a folder that is not empty', async () => {
    await backupDataFolder({ dataDir: tower.dataDir, file });
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'tower.db'), '');

    expect(errorCode(() => restoreDataFolder({ file, dataDir }))).toBe('invalid_state');
  });

  it('refuses a backup whose key is neither beside it nor configured', async () => {
    const secretKey = 'ab'.repeat(32);
    const dataDir = tempDir();
    openTower({ dataDir, secretKey }).close();
    const result = await backupDataFolder({ dataDir, file, secretKey });

    expect(result.keyFile).toBeNull();
    expect(existsSync(`${file}.key`)).toBe(false);
    expect(errorCode(() => restoreDataFolder({ file, dataDir: tempDir() }))).toBe(
      'keystore_key_missing',
    );
  });
});
