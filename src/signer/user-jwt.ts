import type { NatsUserLimits } from '../domain/limits.ts';
import type { Permissions } from '../domain/subjects.ts';
import { requirePublicKey, requireSigner } from './key-checks.ts';
import { signJwt } from './jwt.ts';
import type { Nkey } from './nkey.ts';

export interface UserJwtInput {
  name: string;
  /** The user's public user nkey. */
  userId: string;
  /** The account the user belongs to: its identity key, not a signing key. */
  accountId: string;
  permissions: Permissions;
  limits: NatsUserLimits;
  /** A bearer user connects with the JWT alone, without proving it holds the seed. */
  bearerToken: boolean;
  /** Unix seconds; null or absent for a JWT that does not expire. */
  expiresAt?: number | null;
  tags?: readonly string[];
  /** Unix seconds. */
  issuedAt: number;
}

const NANOS_PER_SECOND = 1_000_000_000;

/**
 * Signs a user JWT with one of the account's signing keys; `issuer_account` then names the
 * account, as nats-server requires to find the account a signing key belongs to.
 */
export function signUserJwt(input: UserJwtInput, accountSigningKey: Nkey): string {
  requireSigner(accountSigningKey, 'account', 'account signing key');
  const subject = requirePublicKey(input.userId, 'user', 'userId');
  const accountId = requirePublicKey(input.accountId, 'account', 'accountId');
  const signedBySigningKey = accountSigningKey.publicKey !== accountId;

  const nats = {
    ...permissionsClaim(input.permissions),
    subs: input.limits.subscriptions,
    data: input.limits.data,
    payload: input.limits.payload,
    bearer_token: input.bearerToken,
    ...(signedBySigningKey ? { issuer_account: accountId } : {}),
    ...(input.tags && input.tags.length > 0 ? { tags: [...input.tags] } : {}),
  };
  const claims = { type: 'user' as const, subject, name: input.name, nats };
  return signJwt(
    { ...claims, issuedAt: input.issuedAt, expiresAt: input.expiresAt },
    accountSigningKey,
  );
}

/**
 * Maps Tower's permissions onto the JWT's. Empty lists are left out: an empty allow list
 * means "no rule", as nsc writes it. The response TTL is a Go duration, in nanoseconds.
 */
export function permissionsClaim(permissions: Permissions) {
  const responses = permissions.responses;
  return {
    pub: permissionClaim(permissions.pub),
    sub: permissionClaim(permissions.sub),
    ...(responses
      ? { resp: { max: responses.max, ttl: responses.ttlSeconds * NANOS_PER_SECOND } }
      : {}),
  };
}

function permissionClaim(rule: { allow: readonly string[]; deny: readonly string[] }) {
  return {
    ...(rule.allow.length > 0 ? { allow: [...rule.allow] } : {}),
    ...(rule.deny.length > 0 ? { deny: [...rule.deny] } : {}),
  };
}
