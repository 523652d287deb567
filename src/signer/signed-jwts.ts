import type { Database, Statement } from 'better-sqlite3';
import type { NatsUserLimits } from '../domain/limits.ts';
import type { Permissions } from '../domain/subjects.ts';
import { formatCreds } from './creds-file.ts';
import { unixSeconds } from './jwt.ts';
import type { KeyRing } from './key-ring.ts';
import { signUserJwt } from './user-jwt.ts';

/** The JWTs the signer stores, each version with the event that produced it. */
export type JwtKind = 'operator' | 'system-account' | 'system-user' | 'account';

export interface SignedJwt {
  kind: JwtKind;
  subjectId: string;
  seq: number;
  installationId: string;
  publicKey: string;
  jwt: string;
}

/** A NATS user with what its JWT needs of its account, read in one statement. */
interface NatsUserRow {
  name: string;
  permissions: string;
  limits: string;
  bearer: number;
  expires_at: string | null;
  public_key: string;
  updated_at: string;
  account_public_key: string;
  account_signing_key: string;
}

/**
 * Reads what the signer produced: the current JWT of an installation or account, a NATS user's
 * JWT, and creds files, which pair a user JWT with its seed from the keystore.
 */
export class SignedJwts {
  readonly #current: Statement<[string, string]>;
  readonly #natsUser: Statement<[string]>;
  readonly #keys: KeyRing;

  constructor(db: Database, keys: KeyRing) {
    this.#keys = keys;
    this.#current = db.prepare(
      `SELECT kind, subject_id AS subjectId, seq, installation_id AS installationId,
         public_key AS publicKey, jwt
       FROM signed_jwts WHERE kind = ? AND subject_id = ? ORDER BY seq DESC LIMIT 1`,
    );
    this.#natsUser = db.prepare(
      `SELECT u.name, u.permissions, u.limits, u.bearer, u.expires_at, u.public_key, u.updated_at,
         a.public_key AS account_public_key, a.signing_key AS account_signing_key
       FROM nats_users u JOIN accounts a ON a.id = u.account_id WHERE u.id = ?`,
    );
  }

  /** The newest JWT of a subject (installation id for operator and system kinds). */
  current(kind: JwtKind, subjectId: string): SignedJwt | undefined {
    return this.#current.get(kind, subjectId) as SignedJwt | undefined;
  }

  /**
   * The JWT of a NATS user as of its last change, signed when asked for. Nothing but a creds
   * file needs it (servers trust users through their account's signing key), so the write path
   * does not sign one per change. It is issued at the time of the user's last event and
   * Ed25519 signatures are deterministic, so asking again, or after a replay, gives the same
   * bytes.
   */
  natsUserJwt(natsUserId: string): string | undefined {
    const user = this.#natsUser.get(natsUserId) as NatsUserRow | undefined;
    return user && this.#signNatsUser(user);
  }

  /** The `.creds` text of a NATS user: a secret, for the one download that shows it. */
  natsUserCreds(natsUserId: string): string | undefined {
    const user = this.#natsUser.get(natsUserId) as NatsUserRow | undefined;
    const seed = user && this.#keys.seed(user.public_key);
    return user && seed ? formatCreds(this.#signNatsUser(user), seed) : undefined;
  }

  #signNatsUser(user: NatsUserRow): string {
    return signUserJwt(
      {
        name: user.name,
        userId: user.public_key,
        accountId: user.account_public_key,
        permissions: JSON.parse(user.permissions) as Permissions,
        limits: JSON.parse(user.limits) as NatsUserLimits,
        bearerToken: user.bearer === 1,
        expiresAt: user.expires_at ? unixSeconds(user.expires_at) : null,
        issuedAt: unixSeconds(user.updated_at),
      },
      this.#keys.get(user.account_signing_key),
    );
  }

  /** The creds Tower itself uses to reach an installation as its system user. */
  systemUserCreds(installationId: string): string | undefined {
    const signed = this.current('system-user', installationId);
    const seed = signed && this.#keys.seed(signed.publicKey);
    return signed && seed ? formatCreds(signed.jwt, seed) : undefined;
  }
}
