import BetterSqlite3 from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE, openTower } from '../../src/app/open-tower.ts';
import { TowerError } from '../../src/errors/index.ts';
import { KEY_FILE } from '../../src/store/master-key.ts';
import { tempDir } from '../helpers/run-cli.ts';

const newKey = () => randomBytes(32).toString('hex');

/** Runs `open` and returns the code of the TowerError it throws. */
function errorCode(open: () => unknown): string | undefined {
  try {
    open();
  } catch (error) {
    if (error instanceof TowerError) return error.code;
    throw error;
  }
  return undefined;
}

function withSecret(id: string, secret: string) {
  const dataDir = tempDir('tower-keystore-');
  const tower = openTower({ dataDir, synchronous: 'OFF' });
  tower.keystore.put(id, secret);
  tower.close();
  return { dataDir, file: join(dataDir, DATABASE_FILE) };
}

function editDatabase(file: string, sql: string, ...params: unknown[]) {
  const db = new BetterSqlite3(file);
  db.prepare(sql).run(...params);
  db.close();
}

describe('keystore', () => {
  it('creates the key file readable by its owner only', () => {
    const dataDir = tempDir('tower-keystore-');

    openTower({ dataDir, synchronous: 'OFF' }).close();

    expect(statSync(join(dataDir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dataDir, KEY_FILE), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/u);
  });

  it('round-trips an entry, and stores no plaintext', () => {
    const { dataDir, file } = withSecret('nkey:UABC', 'SUAEXAMPLESEED');

    const tower = openTower({ dataDir });
    expect(tower.keystore.get('nkey:UABC')).toBe('SUAEXAMPLESEED');
    expect(tower.keystore.get('nkey:missing')).toBeUndefined();
    tower.close();
    expect(readFileSync(file).includes('SUAEXAMPLESEED')).toBe(false);
  });

  it('stops start-up when TOWER_SECRET_KEY is not the key the folder was created with', () => {
    const dataDir = tempDir('tower-keystore-');
    openTower({ dataDir, secretKey: newKey() }).close();

    expect(errorCode(() => openTower({ dataDir, secretKey: newKey() }))).toBe('keystore_key_wrong');
  });

  it('stops start-up when the key file of an existing database is gone', () => {
    const { dataDir } = withSecret('x', 'y');
    rmSync(join(dataDir, KEY_FILE));

    expect(errorCode(() => openTower({ dataDir }))).toBe('keystore_key_missing');
  });

  it('refuses an entry whose ciphertext was altered, and audit lists it', () => {
    const { dataDir, file } = withSecret('password:u1', 'scrypt$hash');
    flipFirstByte(file, 'password:u1');

    const tower = openTower({ dataDir });
    try {
      expect(errorCode(() => tower.keystore.get('password:u1'))).toBe('keystore_tampered');
      expect(tower.keystore.audit()).toEqual(['password:u1']);
    } finally {
      tower.close();
    }
  });

  it('refuses an entry moved to another id, and audit lists it', () => {
    const { dataDir, file } = withSecret('nkey:UAAA', 'SUAAAA');
    editDatabase(file, "UPDATE secrets SET id = 'nkey:UBBB' WHERE id = 'nkey:UAAA'");

    const tower = openTower({ dataDir });
    try {
      expect(errorCode(() => tower.keystore.get('nkey:UBBB'))).toBe('keystore_tampered');
      expect(tower.keystore.audit()).toEqual(['nkey:UBBB']);
    } finally {
      tower.close();
    }
  });
});

function flipFirstByte(file: string, id: string) {
  const db = new BetterSqlite3(file);
  const { ciphertext } = db.prepare('SELECT ciphertext FROM secrets WHERE id = ?').get(id) as {
    ciphertext: Buffer;
  };
  ciphertext[0] = ciphertext[0]! ^ 0x01;
  db.prepare('UPDATE secrets SET ciphertext = ? WHERE id = ?').run(ciphertext, id);
  db.close();
}
