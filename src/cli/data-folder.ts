import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { DATABASE_FILE, openTower, type Tower } from '../app/open-tower.ts';
import type { TowerConfig } from '../config.ts';
import { TowerError } from '../errors/index.ts';
import { openDatabase } from '../store/database.ts';

/** The database file of the configured data folder; a folder without one is an error. */
export function existingDatabaseFile(config: TowerConfig): string {
  const file = join(config.dataDir, DATABASE_FILE);
  if (!existsSync(file)) {
    throw new TowerError(
      'config_invalid',
      `There is no Tower data folder at ${config.dataDir}; run \`tower init\` or set ` +
        'TOWER_DATA_DIR.',
      { field: 'TOWER_DATA_DIR' },
    );
  }
  return file;
}

/** Opens the database only, without the keystore: enough to read and rebuild from the log. */
export function openExistingDatabase(config: TowerConfig): Database {
  return openDatabase(existingDatabaseFile(config), { synchronous: config.synchronous });
}

/** Opens an existing data folder with its keystore, for commands that run commands. */
export function openExistingTower(config: TowerConfig): Tower {
  existingDatabaseFile(config);
  return openTower({
    dataDir: config.dataDir,
    secretKey: config.secretKey,
    synchronous: config.synchronous,
  });
}
