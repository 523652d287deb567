import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TowerError } from '../errors/index.ts';

export const KEY_FILE = 'tower.key';

/**
 * The keystore master key: TOWER_SECRET_KEY (64 hex characters or base64 of 32 bytes) when set,
 * otherwise the key file in the data folder, created with mode 0600 when the folder is new.
 * An existing database without either key stops start-up.
 */
export function loadMasterKey(dataDir: string, fromEnv: string | undefined, isNewFolder: boolean) {
  if (fromEnv) return parseKey(fromEnv, 'TOWER_SECRET_KEY');

  const file = join(dataDir, KEY_FILE);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      throw new TowerError(
        'config_invalid',
        `The key file ${KEY_FILE} is readable by others (mode ${mode.toString(8)}); ` +
          `run chmod 600 on it.`,
      );
    }
    return parseKey(readFileSync(file, 'utf8').trim(), KEY_FILE);
  }
  if (!isNewFolder) {
    throw new TowerError(
      'keystore_key_missing',
      `The data folder holds secrets but neither TOWER_SECRET_KEY nor ${KEY_FILE} is there to ` +
        'open them. Restore the key file from your backup or set TOWER_SECRET_KEY.',
    );
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}

function parseKey(text: string, source: string): Buffer {
  const key = /^[0-9a-fA-F]{64}$/u.test(text)
    ? Buffer.from(text, 'hex')
    : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new TowerError(
      'config_invalid',
      `${source} must hold a 32-byte key as 64 hex characters or base64.`,
    );
  }
  return key;
}
