import { chmodSync, constants, copyFileSync, existsSync, readdirSync } from 'node:fs';
import { TowerError } from '../errors/index.ts';

/**
 * Refuses a data folder that holds anything: a restore writes only into an empty folder, so
 * it can never overwrite a Tower.
 */
export function requireEmptyDataFolder(dataDir: string): void {
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new TowerError(
      'invalid_state',
      `The data folder ${dataDir} is not empty. Restore only writes into an empty folder, so ` +
        'it never overwrites a Tower; set TOWER_DATA_DIR to a new folder.',
      { field: 'TOWER_DATA_DIR' },
    );
  }
}

/** Copies a file that holds secrets (a key, a database) so that only its owner can read it. */
export function copyPrivate(from: string, to: string): void {
  copyFileSync(from, to, constants.COPYFILE_EXCL);
  chmodSync(to, 0o600);
}
