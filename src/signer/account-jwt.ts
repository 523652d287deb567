import type { AccountLimits } from '../domain/limits.ts';
import { TowerError } from '../errors/index.ts';
import { requirePublicKey, requirePublicKeys, requireSigner } from './key-checks.ts';
import { signJwt } from './jwt.ts';
import { isPublicKey, type Nkey } from './nkey.ts';

export interface AccountJwtInput {
  name: string;
  /** The account's identity: its public account nkey. */
  accountId: string;
  /** Public account keys that may sign the account's users. */
  signingKeys: readonly string[];
  limits: AccountLimits;
  /**
   * Users (public key, or `*` for all) whose JWTs issued at or before the time (unix seconds)
   * no longer connect.
   */
  revocations?: Readonly<Record<string, number>>;
  description?: string;
  tags?: readonly string[];
  /** Unix seconds. */
  issuedAt: number;
}

/** An export as the account JWT carries it. */
export interface ExportClaim {
  name: string;
  subject: string;
  type: 'service' | 'stream';
  response_type?: 'Singleton' | 'Stream' | 'Chunked';
  account_token_position?: number;
  description?: string;
  info_url?: string;
}

/** The limits object of an account JWT, snake_case as nats-server reads it. */
export type LimitsClaim = ReturnType<typeof limitsClaim>;

/**
 * Signs an account JWT with an operator signing key (the JWT's issuer). Every limit is
 * written out, because nats-server reads a missing limit as 0, not as unlimited.
 */
export function signAccountJwt(input: AccountJwtInput, operatorSigningKey: Nkey): string {
  return signAccountWithExports(input, [], operatorSigningKey);
}

/** Signs an account JWT that also exports subjects; the system account is the one user. */
export function signAccountWithExports(
  input: AccountJwtInput,
  exports: readonly ExportClaim[],
  operatorSigningKey: Nkey,
): string {
  requireSigner(operatorSigningKey, 'operator', 'operator signing key');
  const subject = requirePublicKey(input.accountId, 'account', 'accountId');

  const nats = accountClaims(input, exports);
  const claims = { type: 'account' as const, subject, name: input.name, nats };
  return signJwt({ ...claims, issuedAt: input.issuedAt }, operatorSigningKey);
}

/**
 * Maps Tower's limits onto the JWT's: -1 stays unlimited, 0 is none. JetStream is off for the
 * account when both storage limits are 0.
 */
export function limitsClaim(limits: AccountLimits) {
  const js = limits.jetstream;
  return {
    subs: limits.subscriptions,
    data: limits.data,
    payload: limits.payload,
    imports: limits.imports,
    exports: limits.exports,
    wildcards: limits.wildcardExports,
    conn: limits.connections,
    leaf: limits.leafNodes,
    mem_storage: js.memoryStorage,
    disk_storage: js.diskStorage,
    streams: js.streams,
    consumer: js.consumers,
    max_ack_pending: js.maxAckPending,
    mem_max_stream_bytes: js.memoryMaxStreamBytes,
    disk_max_stream_bytes: js.diskMaxStreamBytes,
    max_bytes_required: js.maxBytesRequired,
  };
}

function accountClaims(input: AccountJwtInput, exports: readonly ExportClaim[]) {
  const revocations = revocationsClaim(input.revocations ?? {});
  const sortedExports = [...exports].sort((a, b) => compare(a.subject, b.subject));
  return {
    ...(sortedExports.length > 0 ? { exports: sortedExports } : {}),
    limits: limitsClaim(input.limits),
    signing_keys: requirePublicKeys(input.signingKeys, 'account', 'signingKeys'),
    ...(Object.keys(revocations).length > 0 ? { revocations } : {}),
    default_permissions: { pub: {}, sub: {} },
    ...(input.description ? { description: input.description } : {}),
    ...(input.tags && input.tags.length > 0 ? { tags: [...input.tags] } : {}),
  };
}

/** Sorted by key, so the same revocations always sign to the same JWT. */
function revocationsClaim(revocations: Readonly<Record<string, number>>): Record<string, number> {
  const sorted: Record<string, number> = {};
  for (const key of Object.keys(revocations).sort(compare)) {
    const field = `revocations.${key}`;
    if (key !== '*' && !isPublicKey(key, 'user')) {
      throw new TowerError('invalid_input', `${field} must name a public user nkey or "*"`, {
        field,
      });
    }
    const at = revocations[key]!;
    if (!Number.isSafeInteger(at) || at < 0) {
      throw new TowerError('invalid_input', `${field} must be whole unix seconds`, { field });
    }
    sorted[key] = at;
  }
  return sorted;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
