import type { NatsConnection } from '@nats-io/transport-node';
import type { Database } from 'better-sqlite3';
import { TowerError } from '../errors/index.ts';
import type { OutboxStore, RequeueInput } from './outbox-store.ts';
import type { PublisherTimings } from './publisher-options.ts';
import { SystemSubject, collectReplies, parseClaimsList } from './system-requests.ts';

/** What a reconcile found; every account it names was put back in the queue, drift aside. */
export interface ReconcileReport {
  installationId: string;
  checkedAt: string;
  /** The servers that answered CLAIMS.LIST. */
  servers: string[];
  /** Account ids some server does not hold. */
  missing: string[];
  /** Account ids some server holds another JWT of. */
  outdated: string[];
  /** Account ids deleted in Tower that some server still holds: the deletion is sent again. */
  undeleted: string[];
  /** Account public keys the servers hold that Tower does not know; never deleted. */
  drift: string[];
}

export interface ReconcileDeps {
  db: Database;
  store: OutboxStore;
  installationId: string;
  systemAccountKey: string;
  /** The server count of the last ping, to stop waiting for replies early. */
  expectedServers: number;
  timings: PublisherTimings;
}

interface ExpectedAccount {
  accountId: string;
  publicKey: string;
  jwt: string;
  seq: number;
}

const LOOKUP_CONCURRENCY = 8;

/**
 * Compares what the servers hold (`CLAIMS.LIST`, then `CLAIMS.LOOKUP` per account) with what
 * Tower expects (the current JWT of every account of the installation) and requeues the
 * difference. A server may lose or roll back a JWT (restored disk, manual edit, a push from
 * elsewhere); the outbox cannot know, so this asks.
 */
export async function reconcileInstallation(
  nc: NatsConnection,
  deps: ReconcileDeps,
): Promise<ReconcileReport> {
  const holdings = await listHoldings(nc, deps);
  const expected = expectedAccounts(deps.db, deps.installationId);
  const held = new Set([...holdings.values()].flat());
  const at = new Date().toISOString();
  const missing = expected.filter((account) =>
    [...holdings.values()].some((ids) => !ids.includes(account.publicKey)),
  );
  const present = expected.filter((account) => !missing.includes(account));
  const outdated = await findOutdated(nc, present, deps);

  for (const account of [...missing, ...outdated]) requeue(deps, account, 'update', at);
  const undeleted = deletedInTower(deps).filter((entry) => held.has(entry.publicKey));
  for (const entry of undeleted) requeue(deps, entry, 'delete', at);

  const known = new Set([...expected, ...undeleted].map((account) => account.publicKey));
  const drift = [...held].filter((id) => id !== deps.systemAccountKey && !known.has(id)).sort();
  return {
    installationId: deps.installationId,
    checkedAt: at,
    servers: [...holdings.keys()].sort(),
    missing: missing.map((account) => account.accountId),
    outdated: outdated.map((account) => account.accountId),
    undeleted: undeleted.map((account) => account.accountId),
    drift,
  };
}

/** The account ids each server holds. */
async function listHoldings(
  nc: NatsConnection,
  deps: ReconcileDeps,
): Promise<Map<string, string[]>> {
  const replies = await collectReplies(nc, SystemSubject.claimsList, '', {
    expected: deps.expectedServers,
    timeoutMs: deps.timings.requestTimeoutMs,
    stallMs: deps.timings.stallMs,
  });
  const holdings = new Map<string, string[]>();
  for (const reply of replies) {
    const list = parseClaimsList(reply);
    if (list) holdings.set(list.server, list.accounts);
  }
  if (holdings.size === 0) {
    throw new TowerError('invalid_state', 'No server of the installation answered CLAIMS.LIST.', {
      context: { installationId: deps.installationId },
    });
  }
  return holdings;
}

/** Accounts whose JWT on some server differs from Tower's current one. */
async function findOutdated(
  nc: NatsConnection,
  accounts: readonly ExpectedAccount[],
  deps: ReconcileDeps,
): Promise<ExpectedAccount[]> {
  const outdated: ExpectedAccount[] = [];
  for (let start = 0; start < accounts.length; start += LOOKUP_CONCURRENCY) {
    const batch = accounts.slice(start, start + LOOKUP_CONCURRENCY);
    const held = await Promise.all(batch.map((account) => lookup(nc, account.publicKey, deps)));
    batch.forEach((account, index) => {
      if (held[index]!.some((jwt) => jwt !== account.jwt)) outdated.push(account);
    });
  }
  return outdated;
}

/** The JWTs the servers hold for an account; a server without it does not answer. */
async function lookup(nc: NatsConnection, publicKey: string, deps: ReconcileDeps) {
  const replies = await collectReplies(nc, SystemSubject.claimsLookup(publicKey), '', {
    expected: deps.expectedServers,
    timeoutMs: deps.timings.lookupTimeoutMs,
    stallMs: deps.timings.stallMs,
  });
  // Newer servers answer an unknown account with an empty message.
  return replies.map((reply) => reply.string()).filter((jwt) => jwt.length > 0);
}

function requeue(
  deps: ReconcileDeps,
  account: ExpectedAccount,
  action: RequeueInput['action'],
  at: string,
): void {
  const entry = deps.store.entry(deps.installationId, account.publicKey);
  const queued = entry?.action === action && entry.jwt === account.jwt;
  // Already on its way, or refused as it is: sending it again changes nothing.
  if (queued && entry.state !== 'published') return;
  const { accountId, publicKey, jwt, seq } = account;
  const installationId = deps.installationId;
  deps.store.requeue(
    { installationId, accountPublicKey: publicKey, accountId, action, jwt, seq },
    at,
  );
}

function expectedAccounts(db: Database, installationId: string): ExpectedAccount[] {
  return db
    .prepare(
      `SELECT a.id AS accountId, a.public_key AS publicKey, s.jwt, s.seq
       FROM accounts a
       JOIN signed_jwts s ON s.kind = 'account' AND s.subject_id = a.id
       WHERE a.installation_id = ?
         AND s.seq = (SELECT MAX(seq) FROM signed_jwts
                      WHERE kind = 'account' AND subject_id = a.id)
       ORDER BY s.seq`,
    )
    .all(installationId) as ExpectedAccount[];
}

function deletedInTower(deps: ReconcileDeps): ExpectedAccount[] {
  return deps.store
    .entries(deps.installationId)
    .filter((entry) => entry.action === 'delete')
    .map((entry) => ({
      accountId: entry.accountId,
      publicKey: entry.accountPublicKey,
      jwt: entry.jwt,
      seq: entry.seq,
    }));
}
