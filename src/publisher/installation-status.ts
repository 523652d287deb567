import { readFileSync } from 'node:fs';
import type { Database, RunResult, Statement } from 'better-sqlite3';
import { TowerError } from '../errors/index.ts';
import { OutboxStore, type OutboxAction, type OutboxState } from './outbox-store.ts';
import type { ServerInfo } from './system-requests.ts';
import { limitSql } from '../store/database.ts';
import { writeGenerationOf, type WriteGeneration } from '../store/write-generation.ts';

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
 * published (at most `limit`, for a page), or one account. `counts: false` leaves the counts
 * by state at zero, for readers that may not show them (they tell of every account).
 */
export type StatusScope = (
  | { accounts: 'all' }
  | { accounts: 'waiting'; limit: number }
  | { accounts: 'one'; accountId: string }
) & { counts?: boolean };

/** The installation's status row; every column null while Tower has none for it. */
interface StatusRow {
  reachable: number | null;
  connected_url: string | null;
  last_error: string | null;
  servers: string | null;
  checked_at: string | null;
  drift: string | null;
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
  readonly #generation: WriteGeneration;

  constructor(db: Database) {
    createPublisherTables(db);
    // Only the installation pages show this table: other kept pages outlive its writes.
    this.#generation = writeGenerationOf(db);
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
    this.#wrote(
      this.#sql.link!.run({
        installationId,
        reachable: url ? 1 : 0,
        connected_url: url,
        last_error: error,
        checked_at: new Date().toISOString(),
      }),
    );
  }

  /** The servers that answered a ping; none means the installation did not answer. */
  serversChecked(installationId: string, servers: readonly ServerInfo[], error: string | null) {
    this.#wrote(
      this.#sql.servers!.run({
        installationId,
        reachable: servers.length > 0 ? 1 : 0,
        last_error: servers.length > 0 ? null : error,
        servers: JSON.stringify(servers),
        checked_at: new Date().toISOString(),
      }),
    );
  }

  driftFound(installationId: string, drift: readonly string[]): void {
    this.#wrote(
      this.#sql.drift!.run({
        installationId,
        drift: JSON.stringify(drift),
        reconciled_at: new Date().toISOString(),
      }),
    );
  }

  #wrote(result: RunResult): void {
    this.#generation.wrote('status', result);
  }

  remove(installationId: string): void {
    this.#wrote(this.#sql.remove!.run(installationId));
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
  const sql = readersOf(db);
  const row = sql.status.get(installationId) as StatusRow | undefined;
  if (!row) {
    throw new TowerError('not_found', `No installation with id "${installationId}".`, {
      field: 'installationId',
    });
  }
  return {
    installationId,
    reachable: row.reachable === 1,
    connectedUrl: row.connected_url,
    lastError: row.last_error,
    checkedAt: row.checked_at,
    servers: JSON.parse(row.servers ?? '[]') as ServerInfo[],
    drift: JSON.parse(row.drift ?? '[]') as string[],
    reconciledAt: row.reconciled_at,
    accounts: accountPublications(sql, installationId, scope),
    counts:
      scope.counts === false
        ? { published: 0, pending: 0, failed: 0 }
        : sql.outbox.counts(installationId),
  };
}

/** What a list of installations shows of each one's status. */
export interface InstallationListStatus {
  reachable: boolean;
  /** Accounts pending or failed; left at zero unless the counts were asked for. */
  waiting: number;
}

/**
 * The list status of several installations in one statement, however many there are: a page
 * of installations read one status each ran a statement per row. `counts: false` leaves
 * `waiting` at zero, for readers that may not see every account.
 */
export function readListStatuses(
  db: Database,
  installationIds: readonly string[],
  options: { counts: boolean },
): Map<string, InstallationListStatus> {
  const rows = readersOf(db).list.all({
    ids: JSON.stringify(installationIds),
    counts: options.counts ? 1 : 0,
  }) as { id: string; reachable: number | null; waiting: number }[];
  return new Map(
    rows.map((row) => [row.id, { reachable: row.reachable === 1, waiting: row.waiting }]),
  );
}

/**
 * The statements a status read runs, prepared once per database: pages read a status on
 * every request. They read no JWTs (the largest columns) and name each account in the same
 * statement.
 */
interface StatusReaders {
  status: Statement;
  list: Statement;
  all: Statement;
  waiting: Statement;
  one: Statement;
  outbox: OutboxStore;
}

/** An outbox row as a status shows it, with the account's current name. */
interface PublicationRow {
  account_id: string;
  account_name: string | null;
  account_public_key: string;
  action: OutboxAction;
  seq: number;
  state: OutboxState;
  acked_servers: string;
  published_at: string | null;
  pending_since: string;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
}

const PUBLICATIONS = `SELECT o.account_id, a.name AS account_name, o.account_public_key,
    o.action, o.seq, o.state, o.acked_servers, o.published_at, o.pending_since, o.attempts,
    o.last_error, o.next_attempt_at
  FROM outbox o LEFT JOIN accounts a ON a.id = o.account_id`;

const readers = new WeakMap<Database, StatusReaders>();

function readersOf(db: Database): StatusReaders {
  let found = readers.get(db);
  if (!found) {
    createPublisherTables(db);
    found = {
      // The installation's row and its status row at once: no row means no installation.
      status: db.prepare(
        `SELECT s.reachable, s.connected_url, s.last_error, s.servers, s.checked_at, s.drift,
           s.reconciled_at
         FROM installations i LEFT JOIN installation_status s ON s.installation_id = i.id
         WHERE i.id = ?`,
      ),
      list: db.prepare(
        `SELECT i.value AS id, s.reachable,
           CASE WHEN @counts = 1 THEN (SELECT count(*) FROM outbox o
             WHERE o.installation_id = i.value AND o.state IN ('pending', 'failed'))
           ELSE 0 END AS waiting
         FROM json_each(@ids) i LEFT JOIN installation_status s ON s.installation_id = i.value`,
      ),
      all: db.prepare(`${PUBLICATIONS} WHERE o.installation_id = ? ORDER BY o.seq`),
      waiting: db.prepare(
        `${PUBLICATIONS} WHERE o.installation_id = ? AND o.state IN ('pending', 'failed')
         ORDER BY o.seq ${limitSql('?')}`,
      ),
      one: db.prepare(`${PUBLICATIONS} WHERE o.installation_id = ? AND o.account_id = ?`),
      outbox: new OutboxStore(db),
    };
    readers.set(db, found);
  }
  return found;
}

function accountPublications(
  sql: StatusReaders,
  installationId: string,
  scope: StatusScope,
): AccountPublication[] {
  const rows =
    scope.accounts === 'all'
      ? sql.all.all(installationId)
      : scope.accounts === 'waiting'
        ? scope.limit > 0
          ? sql.waiting.all(installationId, scope.limit)
          : []
        : [sql.one.get(installationId, scope.accountId)].filter((row) => row !== undefined);
  return (rows as PublicationRow[]).map((row) => ({
    accountId: row.account_id,
    accountName: row.account_name,
    publicKey: row.account_public_key,
    action: row.action,
    seq: row.seq,
    state: row.state,
    servers: parseList(row.acked_servers),
    publishedAt: row.published_at,
    pendingSince: row.state === 'pending' ? row.pending_since : null,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
  }));
}

function parseList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}
