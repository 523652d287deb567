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
        : this.#installationOfAccount.get(accountId);
    return {
      installation_id: typeof installationId === 'string' ? installationId : null,
      account_id: accountId,
    };
  }
}
