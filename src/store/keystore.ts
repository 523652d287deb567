import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import { TowerError } from '../errors/index.ts';
import { randomPublicBytes } from './random-pool.ts';

const CHECK_ENTRY = 'keystore:check';
const CHECK_TEXT = 'nats-tower keystore';

interface SecretRow {
  id: string;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

/**
 * Secrets at rest: each entry is sealed with AES-256-GCM under the master key, with a fresh
 * 96-bit nonce and the entry id as associated data, so an entry moved to another id fails its
 * check just as an edited one does.
 */
export class Keystore {
  readonly #key: Buffer;
  readonly #put: Statement<[string, Buffer, Buffer, Buffer, string]>;
  readonly #get: Statement<[string], SecretRow>;
  readonly #delete: Statement<[string]>;
  readonly #db: Database;

  constructor(db: Database, masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the keystore master key must be 32 bytes');
    this.#db = db;
    this.#key = masterKey;
    this.#put = db.prepare(
      `INSERT INTO secrets (id, nonce, ciphertext, tag, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext,
         tag = excluded.tag, created_at = excluded.created_at`,
    );
    this.#get = db.prepare('SELECT id, nonce, ciphertext, tag FROM secrets WHERE id = ?');
    this.#delete = db.prepare('DELETE FROM secrets WHERE id = ?');
  }

  /**
   * Proves the master key opens this database: the first call seals a check entry, later calls
   * open it. A key that does not fit stops start-up instead of producing garbage later.
   */
  checkMasterKey(): void {
    const row = this.#get.get(CHECK_ENTRY);
    if (!row) {
      this.put(CHECK_ENTRY, CHECK_TEXT);
      return;
    }
    try {
      this.open(row);
    } catch {
      throw new TowerError(
        'keystore_key_wrong',
        'The keystore master key does not open this data folder. Set TOWER_SECRET_KEY (or restore ' +
          'the key file tower.key) to the key the folder was created with.',
      );
    }
  }

  put(id: string, secret: string): void {
    const nonce = randomPublicBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(id, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    this.#put.run(id, nonce, ciphertext, cipher.getAuthTag(), new Date().toISOString());
  }

  /** The secret, undefined when there is no entry; a tampered entry throws. */
  get(id: string): string | undefined {
    const row = this.#get.get(id);
    return row ? this.open(row) : undefined;
  }

  has(id: string): boolean {
    return this.#get.get(id) !== undefined;
  }

  delete(id: string): void {
    this.#delete.run(id);
  }

  /** Opens every entry; the ids of those that fail their integrity check. */
  audit(): string[] {
    const rows = this.#db
      .prepare('SELECT id, nonce, ciphertext, tag FROM secrets')
      .all() as SecretRow[];
    return rows.filter((row) => !this.tryOpen(row)).map((row) => row.id);
  }

  private tryOpen(row: SecretRow): boolean {
    try {
      this.open(row);
      return true;
    } catch {
      return false;
    }
  }

  private open(row: SecretRow): string {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, row.nonce);
      decipher.setAAD(Buffer.from(row.id, 'utf8'));
      decipher.setAuthTag(row.tag);
      return Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new TowerError(
        'keystore_tampered',
        `Keystore entry "${row.id}" failed its integrity check: it was altered or sealed with ` +
          'another key.',
        { context: { entry: row.id }, cause },
      );
    }
  }
}
