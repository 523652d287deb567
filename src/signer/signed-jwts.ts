import type { Database, Statement } from 'better-sqlite3';
import { formatCreds } from './creds-file.ts';
import type { KeyRing } from './key-ring.ts';

export type JwtKind = 'operator' | 'system-account' | 'system-user' | 'account' | 'user';

export interface SignedJwt {
  kind: JwtKind;
  subjectId: string;
  seq: number;
  installationId: string;
  publicKey: string;
  jwt: string;
}

/**
 * Reads what the signer produced: the current JWT of an installation, account or NATS user,
 * and creds files, which pair a user JWT with its seed from the keystore.
 */
export class SignedJwts {
  readonly #current: Statement<[string, string]>;
  readonly #keys: KeyRing;

  constructor(db: Database, keys: KeyRing) {
    this.#keys = keys;
    this.#current = db.prepare(
      `SELECT kind, subject_id AS subjectId, seq, installation_id AS installationId,
         public_key AS publicKey, jwt
       FROM signed_jwts WHERE kind = ? AND subject_id = ? ORDER BY seq DESC LIMIT 1`,
    );
  }

  /** The newest JWT of a subject (installation id for operator and system kinds). */
  current(kind: JwtKind, subjectId: string): SignedJwt | undefined {
    return this.#current.get(kind, subjectId) as SignedJwt | undefined;
  }

  /** The `.creds` text of a NATS user: a secret, for the one download that shows it. */
  natsUserCreds(natsUserId: string): string | undefined {
    return this.#creds('user', natsUserId);
  }

  /** The creds Tower itself uses to reach an installation as its system user. */
  systemUserCreds(installationId: string): string | undefined {
    return this.#creds('system-user', installationId);
  }

  #creds(kind: JwtKind, subjectId: string): string | undefined {
    const signed = this.current(kind, subjectId);
    const seed = signed && this.#keys.seed(signed.publicKey);
    return signed && seed ? formatCreds(signed.jwt, seed) : undefined;
  }
}
