import type { Database, Statement } from 'better-sqlite3';

/**
 * Which installation and account an event concerns: its scope tags. They are stored beside the
 * event in indexed columns, so that the audit list filters and checks visibility by index
 * without a read model to rebuild. They are not part of the hash: they follow from the hashed
 * data and the log itself, and `tower verify` derives them again and compares.
 */
export interface EventScope {
  installation_id: string | null;
  account_id: string | null;
}

/** How many accounts' installations stay in memory; past it the memory starts over. */
const MAX_KNOWN_ACCOUNTS = 50_000;

interface ScopedData {
  accountId?: unknown;
  installationId?: unknown;
}

/**
 * Derives scope tags from the log: an installation's events concern it; account and NATS
 * user events concern their account and the installation the account was created in, which
 * the account's first event names.
 */
export class EventScopes {
  readonly #installationOfAccount: Statement<[string], unknown>;
  /** An account never moves to another installation, so what the log said once stays true. */
  readonly #known = new Map<string, string>();

  constructor(db: Database) {
    this.#installationOfAccount = db
      .prepare(
        `SELECT json_extract(data, '$.installationId') FROM events
         WHERE stream_type = 'account' AND stream_id = ? AND version = 1`,
      )
      .pluck();
  }

  of(streamType: string, streamId: string, data: unknown): EventScope {
    if (streamType === 'installation') return { installation_id: streamId, account_id: null };
    if (streamType !== 'account' && streamType !== 'nats-user') {
      return { installation_id: null, account_id: null };
    }
    const scoped = data as ScopedData;
    const accountId = typeof scoped.accountId === 'string' ? scoped.accountId : streamId;
    const installationId =
      typeof scoped.installationId === 'string'
        ? scoped.installationId
        : this.#installationOf(accountId);
    return { installation_id: installationId, account_id: accountId };
  }

  #installationOf(accountId: string): string | null {
    const known = this.#known.get(accountId);
    if (known !== undefined) return known;
    const found = this.#installationOfAccount.get(accountId);
    if (typeof found !== 'string') return null;
    if (this.#known.size >= MAX_KNOWN_ACCOUNTS) this.#known.clear();
    this.#known.set(accountId, found);
    return found;
  }
}
