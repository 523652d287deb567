import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { TowerError } from '../errors/index.ts';
import { copyPrivate, requireEmptyDataFolder } from './restore-target.ts';
import { openDatabase } from '../store/database.ts';
import { KEY_FILE } from '../store/master-key.ts';
import { verifyLog, type VerifyReport } from '../store/verify-log.ts';
import { DATABASE_FILE, openTower } from './open-tower.ts';

export interface BackupOptions {
  dataDir: string;
  /** The backup file to write; it must not exist yet. */
  file: string;
  /** Set when the master key comes from TOWER_SECRET_KEY: then there is no key file to copy. */
  secretKey?: string | undefined;
}

export interface BackupResult {
  file: string;
  /** Where the key file was copied, or null when the key comes from TOWER_SECRET_KEY. */
  keyFile: string | null;
  /** The sequence number of the last event in the copy. */
  headSeq: number;
}

/** The key file kept beside a backup file. */
export const backupKeyFile = (file: string) => `${file}.key`;

/**
 * Writes a consistent copy of the database with SQLite's online backup API (writers may go on
 * meanwhile) and copies the key file beside it as `FILE.key`, mode 0600. Without the key the
 * copy's secrets cannot be opened, so both belong in the same safe place.
 */
export async function backupDataFolder(options: BackupOptions): Promise<BackupResult> {
  const source = join(options.dataDir, DATABASE_FILE);
  requireFile(source, `No Tower database at ${source}; set TOWER_DATA_DIR.`, 'TOWER_DATA_DIR');
  const keySource = join(options.dataDir, KEY_FILE);
  const keyFile = options.secretKey ? null : backupKeyFile(options.file);
  if (keyFile) requireFile(keySource, `The key file ${keySource} is missing.`, 'TOWER_DATA_DIR');
  for (const target of [options.file, keyFile]) {
    if (target && existsSync(target)) {
      throw new TowerError('invalid_input', `${target} already exists; choose a new file.`, {
        field: 'file',
      });
    }
  }

  const db = openDatabase(source);
  try {
    await db.backup(options.file);
  } finally {
    db.close();
  }
  chmodSync(options.file, 0o600);
  const headSeq = sealCopy(options.file);
  if (keyFile) copyPrivate(keySource, keyFile);
  return { file: options.file, keyFile, headSeq };
}

export interface RestoreOptions {
  /** The backup file written by `backupDataFolder`. */
  file: string;
  /** The data folder to restore into; it must be missing or empty. */
  dataDir: string;
  secretKey?: string | undefined;
}

export interface RestoreResult {
  dataDir: string;
  keyRestored: boolean;
  report: VerifyReport;
  /** Keystore entries that failed their integrity check. */
  tamperedSecrets: string[];
}

/**
 * Restores a backup into an empty data folder only, so a restore can never overwrite a running
 * Tower. The master key must open the copy; if it does not, the folder is left empty again.
 * The log of the restored copy is verified and the report returned.
 */
export function restoreDataFolder(options: RestoreOptions): RestoreResult {
  const { file, dataDir } = options;
  requireFile(file, `There is no backup file at ${file}.`, 'file');
  requireEmptyDataFolder(dataDir);
  const keyFile = backupKeyFile(file);
  const keyRestored = existsSync(keyFile);
  if (!keyRestored && !options.secretKey) {
    throw new TowerError(
      'keystore_key_missing',
      `There is no key file ${keyFile} beside the backup and TOWER_SECRET_KEY is not set; ` +
        'the secrets in the backup could not be opened.',
    );
  }

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    copyPrivate(file, join(dataDir, DATABASE_FILE));
    if (keyRestored) copyPrivate(keyFile, join(dataDir, KEY_FILE));
    const tower = openTower({ dataDir, secretKey: options.secretKey });
    try {
      const report = verifyLog(tower.db);
      return { dataDir, keyRestored, report, tamperedSecrets: tower.keystore.audit() };
    } finally {
      tower.close();
    }
  } catch (error) {
    for (const name of readdirSync(dataDir)) rmSync(join(dataDir, name), { force: true });
    throw error;
  }
}

function requireFile(file: string, message: string, field: string): void {
  if (!existsSync(file)) throw new TowerError('invalid_input', message, { field });
}

/**
 * Turns the copy into one self-contained file (the backup keeps the source's WAL mode, which
 * would leave -wal and -shm files beside it) and reads its head.
 */
function sealCopy(file: string): number {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = DELETE');
    return (db.prepare('SELECT max(seq) FROM events').pluck().get() as number | null) ?? 0;
  } finally {
    db.close();
  }
}
