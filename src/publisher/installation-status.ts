import { readFileSync } from 'node:fs';
import type { Database, Statement } from 'better-sqlite3';
import { TowerError } from '../errors/index.ts';
import { OutboxStore, type OutboxAction, type OutboxState } from './outbox-store.ts';
import type { ServerInfo } from './system-requests.ts';

const PUBLISHER_SQL = readFileSync(new URL('./publisher.sql', import.meta.url), 'utf8');

/** Where one account stands on one installation. */
export interface AccountPublication {
  accountId: string;
  /** Null once the account is deleted in Tower. */
  accountName: string | null;
  publicKey: string;
  action: OutboxAction;
  seq: number;
  /** published: on `servers` since `publishedAt`; pending: since `pendingSince`; failed. */
  state: OutboxState;
  /** The servers that acknowledged this version. */
  servers: string[];
  publishedAt: string | null;
  pendingSince: string | null;
  attempts: number;
  /** The server's refusal when failed; why the last try got no answer when pending. */
  lastError: string | null;
  nextAttemptAt: string | null;
}

/** What Tower knows of an installation's servers and of every account it publishes there. */
export interface InstallationStatus {
  installationId: string;
  reachable: boolean;
  connectedUrl: string | null;
  lastError: string | null;
  checkedAt: string | null;
  servers: ServerInfo[];
  /** Accounts the servers hold that Tower does not know; Tower never deletes them. */
  drift: string[];
  reconciledAt: string | null;
  /** The accounts asked for (see StatusScope), not necessarily every account. */
  accounts: AccountPublication[];
  /** How many accounts of the installation are in each state. */
  counts: { published: number; pending: number; failed: number };
}

/**
 * Which accounts a status read lists: all of them (an API client asked), those not yet
 * published (at most `limit`, for a page), or one account.
 */
export type StatusScope =
  | { accounts: 'all' }
  | { accounts: 'waiting'; limit: number }
  | { accounts: 'one'; accountId: string };

interface StatusRow {
  reachable: number;
  connected_url: string | null;
  last_error: string | null;
  servers: string;
  checked_at: string | null;
  drift: string;
  reconciled_at: string | null;
}

const prepared = new WeakSet<Database>();

/** Creates the publisher's tables if they are missing. */
export function createPublisherTables(db: Database): void {
  if (prepared.has(db)) return;
  db.exec(PUBLISHER_SQL);
  prepared.add(db);
}

/** Writes the `installation_status` table: link changes, ping results, drift. */
export class StatusStore {
  readonly #sql: Record<string, Statement>;

  constructor(db: Database) {
    createPublisherTables(db);
    const upsert = (columns: string[]) =>
      db.prepare(
        `INSERT INTO installation_status (installation_id, ${columns.join(', ')})
         VALUES (@installationId, ${columns.map((column) => `@${column}`).join(', ')})
         ON CONFLICT (installation_id) DO UPDATE SET
         ${columns.map((column) => `${column} = excluded.${column}`).join(', ')}`,
      );
    this.#sql = {
      link: upsert(['reachable', 'connected_url', 'last_error', 'checked_at']),
      servers: upsert(['reachable', 'last_error', 'servers', 'checked_at']),
      drift: upsert(['drift', 'reconciled_at']),
      remove: db.prepare('DELETE FROM installation_status WHERE installation_id = ?'),
    };
  }

  /** The link connected (with the server URL) or went down (with the reason). */
  linkChanged(installationId: string, url: string | null, error: string | null): void {
    this.#sql.link!.run({
      installationId,
      reachable: url ? 1 : 0,
      connected_url: url,
      last_error: error,
      checked_at: new Date().toISOString(),
    });
  }

  /** The servers that answered a ping; none means the installation did not answer. */
  serversChecked(installationId: string, servers: readonly ServerInfo[], error: string | null) {
    this.#sql.servers!.run({
      installationId,
      reachable: servers.length > 0 ? 1 : 0,
      last_error: servers.length > 0 ? null : error,
      servers: JSON.stringify(servers),
      checked_at: new Date().toISOString(),
    });
  }

  driftFound(installationId: string, drift: readonly string[]): void {
    this.#sql.drift!.run({
      installationId,
      drift: JSON.stringify(drift),
      reconciled_at: new Date().toISOString(),
    });
  }

  remove(installationId: string): void {
    this.#sql.remove!.run(installationId);
  }
}

/**
 * The status of an installation as the pages show it, read from the database alone: a
 * publisher needs not run in the same process.
 *
 * @example
 * const { reachable, accounts } = readInstallationStatus(tower.db, installationId);
 * const waiting = accounts.filter((account) => account.state !== 'published');
 */
export function readInstallationStatus(
  db: Database,
  installationId: string,
  scope: StatusScope = { accounts: 'all' },
): InstallationStatus {
  createPublisherTables(db);
  const exists = db.prepare('SELECT 1 FROM installations WHERE id = ?').get(installationId);
  if (!exists) {
    throw new TowerError('not_found', `No installation with id "${installationId}".`, {
      field: 'installationId',
    });
  }
  const row = db
    .prepare('SELECT * FROM installation_status WHERE installation_id = ?')
    .get(installationId) as StatusRow | undefined;
  return {
    installationId,
    reachable: row?.reachable === 1,
    connectedUrl: row?.connected_url ?? null,
    lastError: row?.last_error ?? null,
    checkedAt: row?.checked_at ?? null,
    servers: JSON.parse(row?.servers ?? '[]') as ServerInfo[],
    drift: JSON.parse(row?.drift ?? '[]') as string[],
    reconciledAt: row?.reconciled_at ?? null,
    accounts: accountPublications(db, installationId, scope),
    counts: outboxOf(db).counts(installationId),
  };
}

const outboxes = new WeakMap<Database, OutboxStore>();

function outboxOf(db: Database): OutboxStore {
  let store = outboxes.get(db);
  if (!store) outboxes.set(db, (store = new OutboxStore(db)));
  return store;
}

function accountPublications(
  db: Database,
  installationId: string,
  scope: StatusScope,
): AccountPublication[] {
  const outbox = outboxOf(db);
  const entries =
    scope.accounts === 'all'
      ? outbox.entries(installationId)
      : scope.accounts === 'waiting'
        ? outbox.waiting(installationId, scope.limit)
        : [outbox.forAccount(installationId, scope.accountId)].filter((e) => e !== undefined);
  const name = db.prepare('SELECT name FROM accounts WHERE id = ?').pluck();
  return entries.map((entry) => ({
    accountId: entry.accountId,
    accountName: (name.get(entry.accountId) as string | undefined) ?? null,
    publicKey: entry.accountPublicKey,
    action: entry.action,
    seq: entry.seq,
    state: entry.state,
    servers: entry.ackedServers,
    publishedAt: entry.publishedAt,
    pendingSince: entry.state === 'pending' ? entry.pendingSince : null,
    attempts: entry.attempts,
    lastError: entry.lastError,
    nextAttemptAt: entry.nextAttemptAt,
  }));
}
