import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { DATABASE_FILE, openTower } from '../app/open-tower.ts';
import { replay, type ReplayResult } from '../app/replay.ts';
import { TowerError } from '../errors/index.ts';
import { copyPrivate, requireEmptyDataFolder } from '../app/restore-target.ts';
import { KEY_FILE } from '../store/master-key.ts';
import { verifyLog, type VerifyReport } from '../store/verify-log.ts';
import { restoreEvents, restoreKeystore } from './restore-rows.ts';

/** Where to restore from and into, and the master key that opens the keystore. */
export interface NatsRestoreOptions {
  /** A connection to the NATS that holds the TOWER_EVENTS and TOWER_KEYSTORE streams. */
  nc: NatsConnection;
  /** The data folder to restore into; it must be missing or empty. */
  dataDir: string;
  /** The master key file to copy in (`tower.key` of the lost folder, or `FILE.key`). */
  keyFile?: string | undefined;
  /** The master key when it comes from TOWER_SECRET_KEY instead of a file. */
  secretKey?: string | undefined;
}

/** What was restored, the replay that rebuilt the read models and the verification. */
export interface NatsRestoreResult {
  events: number;
  secrets: number;
  replay: ReplayResult;
  report: VerifyReport;
  /** Keystore entries that failed their integrity check. */
  tamperedSecrets: string[];
}

/**
 * Rebuilds a data folder from the mirror: the keystore's sealed entries, then every event as
 * it was stored (original seq, ids and hashes, each hash checked as it arrives), then every
 * read model and JWT through a replay with all projections, then a full log verification.
 * Only into an empty folder; on failure the folder is left empty again. The master key must
 * be given: the stream holds the keystore sealed with it, never the key itself.
 *
 * @example await restoreFromNats({ nc, dataDir: '/srv/tower', keyFile: '/safe/tower.key' })
 */
export async function restoreFromNats(options: NatsRestoreOptions): Promise<NatsRestoreResult> {
  const { dataDir } = options;
  checkTarget(options);

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    if (options.keyFile) copyPrivate(options.keyFile, join(dataDir, KEY_FILE));
    const copied = await copyStreams(options.nc, join(dataDir, DATABASE_FILE));

    const tower = openTower({ dataDir, secretKey: options.secretKey });
    try {
      const rebuilt = replay(tower.db, { projections: tower.projections });
      const report = verifyLog(tower.db);
      return { ...copied, replay: rebuilt, report, tamperedSecrets: tower.keystore.audit() };
    } finally {
      tower.close();
    }
  } catch (error) {
    for (const name of readdirSync(dataDir))
      rmSync(join(dataDir, name), { recursive: true, force: true });
    throw error;
  }
}

function checkTarget(options: NatsRestoreOptions): void {
  const { dataDir, keyFile } = options;
  requireEmptyDataFolder(dataDir);
  if (keyFile && !existsSync(keyFile)) {
    throw new TowerError('invalid_input', `There is no key file at ${keyFile}.`, {
      field: 'key-file',
    });
  }
  if (!keyFile && !options.secretKey) {
    throw new TowerError(
      'keystore_key_missing',
      'Restoring from NATS needs the master key the keystore was sealed with: give the key ' +
        'file with --key-file (tower.key, or the FILE.key of a backup) or set TOWER_SECRET_KEY.',
    );
  }
}

async function copyStreams(nc: NatsConnection, file: string) {
  const secrets = await restoreKeystore(nc, file);
  const events = await restoreEvents(nc, file);
  if (events === 0) {
    throw new TowerError(
      'invalid_state',
      'The stream TOWER_EVENTS holds no events on this NATS: there is nothing to restore.',
    );
  }
  return { events, secrets };
}
