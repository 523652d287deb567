import type { Database } from 'better-sqlite3';
import { limitSql } from '../store/database.ts';

export type OutboxAction = 'update' | 'delete';
export type OutboxState = 'pending' | 'published' | 'failed';

/** One account's publication to one installation: the signer's outbox row. */
export interface OutboxEntry {
  installationId: string;
  accountPublicKey: string;
  accountId: string;
  action: OutboxAction;
  jwt: string;
  seq: number;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  pendingSince: string;
  publishedJwt: string | null;
  publishedAt: string | null;
  ackedServers: string[];
}

/** What reconcile puts back in the queue: the version Tower expects the servers to hold. */
export interface RequeueInput {
  installationId: string;
  accountPublicKey: string;
  accountId: string;
  action: OutboxAction;
  jwt: string;
  seq: number;
}

interface Row {
  installation_id: string;
  account_public_key: string;
  account_id: string;
  action: OutboxAction;
  jwt: string;
  seq: number;
  state: OutboxState;
  attempts: number;
  last_error: string | null;
  next_attempt_at: string | null;
  pending_since: string;
  published_jwt: string | null;
  published_at: string | null;
  acked_servers: string;
}

type Key = [installationId: string, accountPublicKey: string];

/**
 * The publisher's side of the outbox. Every change after a send is a compare-and-set on the
 * seq that was sent: when a newer version replaced the row meanwhile, the outcome of the old
 * send is dropped and the newer version stays pending.
 */
export class OutboxStore {
  readonly #db: Database;
  readonly #sql: ReturnType<typeof statements>;

  constructor(db: Database) {
    this.#db = db;
    this.#sql = statements(db);
  }

  /** The oldest pending row of the installation that is due now, if any. */
  nextDue(installationId: string, now: string): OutboxEntry | undefined {
    const row = this.#sql.nextDue.get(installationId, now) as Row | undefined;
    return row && toEntry(row);
  }

  /** The earliest retry time among pending rows that wait for their backoff. */
  nextRetryAt(installationId: string, now: string): string | undefined {
    return (this.#sql.nextRetryAt.get(installationId, now) as string | null) ?? undefined;
  }

  /** Installations with at least one pending row. */
  installationsWithPending(): string[] {
    return this.#sql.installationsWithPending.all() as string[];
  }

  entries(installationId: string): OutboxEntry[] {
    return (this.#sql.entries.all(installationId) as Row[]).map(toEntry);
  }

  /** Rows not yet published (pending or failed), oldest first, at most `limit`. */
  waiting(installationId: string, limit: number): OutboxEntry[] {
    return (this.#sql.waiting.all(installationId, limit) as Row[]).map(toEntry);
  }

  /** The row of one account, by its Tower id. */
  forAccount(installationId: string, accountId: string): OutboxEntry | undefined {
    const row = this.#sql.forAccount.get(installationId, accountId) as Row | undefined;
    return row && toEntry(row);
  }

  /** How many rows are in each state. */
  counts(installationId: string): Record<'published' | 'pending' | 'failed', number> {
    const counts = { published: 0, pending: 0, failed: 0 };
    for (const row of this.#sql.counts.all(installationId) as {
      state: keyof typeof counts;
      n: number;
    }[]) {
      counts[row.state] = row.n;
    }
    return counts;
  }

  entry(installationId: string, accountPublicKey: string): OutboxEntry | undefined {
    const row = this.#sql.entry.get(installationId, accountPublicKey) as Row | undefined;
    return row && toEntry(row);
  }

  /**
   * Marks the sent version published, adding the servers that acknowledged it to those that
   * already had this JWT. False when the row moved on to another version.
   */
  markPublished(sent: OutboxEntry, servers: readonly string[], at: string): boolean {
    return this.#db.transaction(() => {
      const current = this.entry(sent.installationId, sent.accountPublicKey);
      if (!current || current.seq !== sent.seq || current.jwt !== sent.jwt) return false;
      const earlier = current.publishedJwt === current.jwt ? current.ackedServers : [];
      const acked = [...new Set([...earlier, ...servers])].sort();
      this.#sql.published.run(JSON.stringify(acked), at, ...key(sent), sent.seq);
      return true;
    })();
  }

  /** A server refused the JWT: retrying will not help until a new version comes. */
  markFailed(sent: OutboxEntry, error: string): boolean {
    return this.#sql.failed.run(error, ...key(sent), sent.seq).changes > 0;
  }

  /** No answer (timeout, disconnect): stays pending and waits until `retryAt`. */
  markRetry(sent: OutboxEntry, error: string, retryAt: string): boolean {
    return this.#sql.retry.run(error, retryAt, ...key(sent), sent.seq).changes > 0;
  }

  /** Makes every pending row due now, e.g. after a reconnect: the backoff was for the outage. */
  retryNow(installationId: string): void {
    this.#sql.retryNow.run(installationId);
  }

  /** Puts a version back in the queue, e.g. because a server lost or rolled back the account. */
  requeue(input: RequeueInput, at: string): void {
    this.#sql.requeue.run({ ...input, at });
  }

  /**
   * Puts published rows back in the queue when one of these servers has not acknowledged
   * them, so a server that was away converges. Returns how many rows were requeued.
   */
  requeueUnacknowledged(installationId: string, servers: readonly string[], at: string): number {
    return this.#db.transaction(() => {
      let count = 0;
      for (const row of this.#sql.publishedRows.all(installationId) as Row[]) {
        const acked = new Set(parseList(row.acked_servers));
        if (servers.every((server) => acked.has(server))) continue;
        count += this.#sql.reopen.run(at, installationId, row.account_public_key, row.seq).changes;
      }
      return count;
    })();
  }
}

function key(entry: OutboxEntry): Key {
  return [entry.installationId, entry.accountPublicKey];
}

function statements(db: Database) {
  const where = 'WHERE installation_id = ? AND account_public_key = ?';
  return {
    nextDue: db.prepare(
      `SELECT * FROM outbox WHERE state = 'pending' AND installation_id = ?
         AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
       ORDER BY seq LIMIT 1`,
    ),
    nextRetryAt: db
      .prepare(
        `SELECT MIN(next_attempt_at) FROM outbox
         WHERE state = 'pending' AND installation_id = ? AND next_attempt_at > ?`,
      )
      .pluck(),
    installationsWithPending: db
      .prepare(`SELECT DISTINCT installation_id FROM outbox WHERE state = 'pending'`)
      .pluck(),
    entries: db.prepare('SELECT * FROM outbox WHERE installation_id = ? ORDER BY seq'),
    waiting: db.prepare(
      `SELECT * FROM outbox WHERE installation_id = ? AND state IN ('pending', 'failed')
       ORDER BY seq ${limitSql('?')}`,
    ),
    forAccount: db.prepare('SELECT * FROM outbox WHERE installation_id = ? AND account_id = ?'),
    counts: db.prepare(
      'SELECT state, count(*) AS n FROM outbox WHERE installation_id = ? GROUP BY state',
    ),
    entry: db.prepare(`SELECT * FROM outbox ${where}`),
    publishedRows: db.prepare(
      `SELECT * FROM outbox WHERE installation_id = ? AND state = 'published' ORDER BY seq`,
    ),
    published: db.prepare(
      `UPDATE outbox SET state = 'published', published_jwt = jwt, acked_servers = ?,
         published_at = ?, attempts = 0, last_error = NULL, next_attempt_at = NULL
       ${where} AND seq = ?`,
    ),
    failed: db.prepare(
      `UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?,
         next_attempt_at = NULL
       ${where} AND seq = ? AND state = 'pending'`,
    ),
    retry: db.prepare(
      `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
       ${where} AND seq = ? AND state = 'pending'`,
    ),
    retryNow: db.prepare(
      `UPDATE outbox SET next_attempt_at = NULL
       WHERE installation_id = ? AND state = 'pending' AND next_attempt_at IS NOT NULL`,
    ),
    reopen: db.prepare(
      `UPDATE outbox SET state = 'pending', pending_since = ?, attempts = 0, last_error = NULL,
         next_attempt_at = NULL
       ${where} AND seq = ? AND state = 'published'`,
    ),
    requeue: db.prepare(
      `INSERT INTO outbox (installation_id, account_public_key, account_id, action, jwt, seq,
         state, pending_since)
       VALUES (@installationId, @accountPublicKey, @accountId, @action, @jwt, @seq, 'pending', @at)
       ON CONFLICT (installation_id, account_public_key) DO UPDATE SET
         action = excluded.action, jwt = excluded.jwt, seq = excluded.seq, state = 'pending',
         attempts = 0, last_error = NULL, next_attempt_at = NULL,
         pending_since = CASE WHEN outbox.state = 'pending' THEN outbox.pending_since
           ELSE excluded.pending_since END`,
    ),
  };
}

function toEntry(row: Row): OutboxEntry {
  return {
    installationId: row.installation_id,
    accountPublicKey: row.account_public_key,
    accountId: row.account_id,
    action: row.action,
    jwt: row.jwt,
    seq: row.seq,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    pendingSince: row.pending_since,
    publishedJwt: row.published_jwt,
    publishedAt: row.published_at,
    ackedServers: parseList(row.acked_servers),
  };
}

function parseList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}
