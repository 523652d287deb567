import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { DomainReader } from '../commands/index.ts';
import { SqliteDomainReader } from '../projections/domain-reader-sqlite.ts';
import type { ProjectionFactory } from '../projections/projection.ts';
import { ProjectionRunner, coreProjections } from '../projections/projection-runner.ts';
import { signerProjection } from '../signer/signer-projection.ts';
import { secretEntry } from '../domain/secret-entries.ts';
import { KeyPool } from '../signer/key-pool.ts';
import { KeyRing } from '../signer/key-ring.ts';
import { SignedJwts } from '../signer/signed-jwts.ts';
import { openDatabase, type SyncMode } from '../store/database.ts';
import { EventLog } from '../store/event-log.ts';
import { Keystore } from '../store/keystore.ts';
import { loadMasterKey } from '../store/master-key.ts';
import { CommandBus } from './command-bus.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

export const DATABASE_FILE = 'tower.db';

export interface OpenTowerOptions {
  dataDir: string;
  secretKey?: string | undefined;
  synchronous?: SyncMode;
  now?: () => Date;
}

/** An open data folder: the database, the log, the read models and the command bus. */
export interface Tower {
  dataDir: string;
  db: Database;
  log: EventLog;
  runner: ProjectionRunner;
  /** Every projection of this Tower, in order; replay rebuilds with the same list. */
  projections: readonly ProjectionFactory[];
  reader: DomainReader;
  keystore: Keystore;
  keys: KeyRing;
  jwts: SignedJwts;
  bus: CommandBus;
  close(): void;
}

/**
 * Opens (or creates) a data folder. The master key must open the keystore, or start-up stops.
 */
export function openTower(options: OpenTowerOptions): Tower {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const file = join(options.dataDir, DATABASE_FILE);
  const isNew = !existsSync(file);
  const masterKey = loadMasterKey(options.dataDir, options.secretKey, isNew);

  const db = openDatabase(file, { synchronous: options.synchronous ?? 'FULL' });
  try {
    const keystore = new Keystore(db, masterKey);
    keystore.checkMasterKey();
    const log = new EventLog(db);
    const pool = new KeyPool();
    const keys = new KeyRing(keystore, pool);
    const projections = [...coreProjections, signerProjection(keys)];
    const runner = new ProjectionRunner(db, projections);
    // A projection this data folder has not seen yet (added by a newer Tower) catches up now.
    runner.catchUp((after) => log.read({ after, limit: 5_000 }), log.head().seq);
    const reader = new SqliteDomainReader(db);
    const bus = new CommandBus({
      db,
      log,
      runner,
      reader,
      keystore,
      now: options.now,
      createKey: (kind) => {
        const key = keys.create(kind);
        return { publicKey: key.publicKey, seed: key.seed() };
      },
      services: {
        hashPassword,
        verifyPassword: async (userId, password) => {
          const stored = keystore.get(secretEntry.password(userId));
          return stored !== undefined && (await verifyPassword(password, stored));
        },
      },
    });
    return {
      dataDir: options.dataDir,
      db,
      log,
      runner,
      projections,
      reader,
      keystore,
      keys,
      jwts: new SignedJwts(db, keys),
      bus,
      close: () => {
        pool.close();
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}
