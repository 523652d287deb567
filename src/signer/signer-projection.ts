import { readFileSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import type { AccountLimits } from '../domain/limits.ts';
import type { EventMetadata } from '../events/index.ts';
import type { ProjectionFactory } from '../projections/projection.ts';
import { signAccountDeletionJwt } from './account-deletion-jwt.ts';
import { signAccountJwt } from './account-jwt.ts';
import { unixSeconds } from './jwt.ts';
import type { KeyRing } from './key-ring.ts';
import { signOperatorJwt } from './operator-jwt.ts';
import { signSystemAccountJwt } from './system-account-jwt.ts';
import { signUserJwt } from './user-jwt.ts';

const SIGNER_SQL = readFileSync(new URL('./signer.sql', import.meta.url), 'utf8');

interface InstallationRow {
  id: string;
  name: string;
  urls: string;
  operator_public_key: string;
  operator_signing_key: string;
  system_account_public_key: string;
  system_account_signing_key: string;
  system_user_public_key: string;
}

interface AccountRow {
  id: string;
  installation_id: string;
  name: string;
  description: string;
  effective_limits: string;
  public_key: string;
  signing_key: string;
}

/** Unix seconds of an event: the issue time of every JWT it yields, so replays sign alike. */
const issuedAt = (metadata: EventMetadata) => unixSeconds(metadata.occurredAt);

/**
 * The signer: turns events into operator, system account and account JWTs, stores each version
 * with the event that produced it, and queues account JWTs in the outbox. It runs after the
 * core projections and signs from their tables, which already show the event. A NATS user's
 * JWT is signed from the same tables when its creds are asked for (`SignedJwts`).
 */
export function signerProjection(keys: KeyRing): ProjectionFactory {
  return (db) => {
    db.exec(SIGNER_SQL);
    const sql = statements(db);

    const store = (
      kind: string,
      subjectId: string,
      seq: number,
      installationId: string,
      publicKey: string,
      jwt: string,
    ) => sql.insertJwt.run(kind, subjectId, seq, installationId, publicKey, jwt);

    const signInstallation = (installationId: string, seq: number, metadata: EventMetadata) => {
      const row = sql.installation.get(installationId) as InstallationRow | undefined;
      if (!row) return;
      const iat = issuedAt(metadata);
      const operatorJwt = signOperatorJwt(
        {
          name: row.name,
          signingKeys: [row.operator_signing_key],
          systemAccountId: row.system_account_public_key,
          urls: JSON.parse(row.urls) as string[],
          issuedAt: iat,
        },
        keys.get(row.operator_public_key),
      );
      store('operator', row.id, seq, row.id, row.operator_public_key, operatorJwt);
      return { row, iat };
    };

    const signSystemAccount = (row: InstallationRow, seq: number, iat: number) => {
      const systemJwt = signSystemAccountJwt(
        {
          accountId: row.system_account_public_key,
          signingKeys: [row.system_account_signing_key],
          issuedAt: iat,
        },
        keys.get(row.operator_signing_key),
      );
      store('system-account', row.id, seq, row.id, row.system_account_public_key, systemJwt);
      const userJwt = signUserJwt(
        {
          name: 'tower',
          userId: row.system_user_public_key,
          accountId: row.system_account_public_key,
          permissions: {
            pub: { allow: [], deny: [] },
            sub: { allow: [], deny: [] },
            responses: null,
          },
          limits: { subscriptions: -1, data: -1, payload: -1 },
          bearerToken: false,
          issuedAt: iat,
        },
        keys.get(row.system_account_signing_key),
      );
      store('system-user', row.id, seq, row.id, row.system_user_public_key, userJwt);
    };

    const signAccount = (accountId: string, seq: number, metadata: EventMetadata) => {
      const account = sql.account.get(accountId) as AccountRow | undefined;
      if (!account) return;
      const installation = sql.installation.get(account.installation_id) as InstallationRow;
      const revocations = Object.fromEntries(
        (sql.revocations.all(accountId) as { public_key: string; revoked_at: string }[]).map(
          (r) => [r.public_key, unixSeconds(r.revoked_at)],
        ),
      );
      const jwt = signAccountJwt(
        {
          name: account.name,
          accountId: account.public_key,
          signingKeys: [account.signing_key],
          limits: JSON.parse(account.effective_limits) as AccountLimits,
          revocations,
          description: account.description,
          issuedAt: issuedAt(metadata),
        },
        keys.get(installation.operator_signing_key),
      );
      store('account', account.id, seq, installation.id, account.public_key, jwt);
      sql.enqueue.run({
        installationId: installation.id,
        accountPublicKey: account.public_key,
        accountId: account.id,
        action: 'update',
        jwt,
        seq,
        at: metadata.occurredAt,
      });
    };

    return {
      name: 'signer',
      tables: ['signed_jwts'],
      handlers: {
        InstallationCreated: ({ data, seq, metadata }) => {
          const signed = signInstallation(data.installationId, seq, metadata);
          if (signed) signSystemAccount(signed.row, seq, signed.iat);
        },
        InstallationUpdated: ({ data, seq, metadata }) => {
          if (data.name !== undefined || data.urls !== undefined) {
            signInstallation(data.installationId, seq, metadata);
          }
        },
        AccountCreated: ({ data, seq, metadata }) => signAccount(data.accountId, seq, metadata),
        AccountUpdated: ({ data, seq, metadata }) => signAccount(data.accountId, seq, metadata),
        AccountLimitsSet: ({ data, seq, metadata }) => signAccount(data.accountId, seq, metadata),
        LimitProfileUpdated: ({ data, seq, metadata }) => {
          if (!data.limits) return;
          for (const id of sql.followers.all(data.profileId) as string[])
            signAccount(id, seq, metadata);
        },
        AccountDeleted: ({ data, seq, metadata }) => {
          const installation = sql.installation.get(data.installationId) as InstallationRow;
          const jwt = signAccountDeletionJwt(
            { accountIds: [data.publicKey], issuedAt: issuedAt(metadata) },
            keys.get(installation.operator_signing_key),
          );
          sql.enqueue.run({
            installationId: data.installationId,
            accountPublicKey: data.publicKey,
            accountId: data.accountId,
            action: 'delete',
            jwt,
            seq,
            at: metadata.occurredAt,
          });
        },
        // A NATS user's own JWT is signed when its creds are asked for (SignedJwts); the
        // account's JWT changes only when a key is revoked.
        NatsUserCredentialsRotated: ({ data, seq, metadata }) =>
          signAccount(data.accountId, seq, metadata),
        NatsUserDeleted: ({ data, seq, metadata }) => signAccount(data.accountId, seq, metadata),
      },
    };
  };
}

function statements(db: Database) {
  return {
    insertJwt: db.prepare(
      `INSERT INTO signed_jwts (kind, subject_id, seq, installation_id, public_key, jwt)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (kind, subject_id, seq) DO UPDATE SET jwt = excluded.jwt`,
    ),
    installation: db.prepare('SELECT * FROM installations WHERE id = ?'),
    account: db.prepare('SELECT * FROM accounts WHERE id = ?'),
    revocations: db.prepare(
      'SELECT public_key, revoked_at FROM account_revocations WHERE account_id = ? ORDER BY public_key',
    ),
    followers: db.prepare('SELECT id FROM accounts WHERE limit_profile_id = ? ORDER BY id').pluck(),
    // A new version replaces whatever was pending; one equal to what the servers already
    // acknowledged (a replay signs the same bytes) stays published.
    enqueue: db.prepare(
      `INSERT INTO outbox (installation_id, account_public_key, account_id, action, jwt, seq, state,
         pending_since)
       VALUES (@installationId, @accountPublicKey, @accountId, @action, @jwt, @seq, 'pending', @at)
       ON CONFLICT (installation_id, account_public_key) DO UPDATE SET
         action = excluded.action, jwt = excluded.jwt, seq = excluded.seq, attempts = 0,
         last_error = NULL, next_attempt_at = NULL,
         state = CASE WHEN excluded.jwt = outbox.published_jwt THEN 'published' ELSE 'pending' END,
         pending_since = CASE WHEN outbox.state = 'pending' THEN outbox.pending_since
           ELSE excluded.pending_since END,
         acked_servers = CASE WHEN excluded.jwt = outbox.published_jwt THEN outbox.acked_servers
           ELSE '[]' END`,
    ),
  };
}
