import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'tower_';

/** A new API token: `tower_<tokenId>_<secret>` once the command has given the token an id. */
export interface NewTokenSecret {
  /** 32 random bytes in base64url: shown to the user once, kept nowhere. */
  secret: string;
  /** What the keystore keeps. */
  digest: string;
}

export function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newTokenSecret(): NewTokenSecret {
  const secret = randomBytes(32).toString('base64url');
  return { secret, digest: secretDigest(secret) };
}

/**
 * The token a user pastes into `Authorization: Bearer`. Token ids use lower-case base32
 * letters and digits only, so the first `_` after the prefix ends the id.
 *
 * @example formatApiToken('k2v7q4…', secret) // 'tower_k2v7q4…_Gx9…'
 */
export function formatApiToken(tokenId: string, secret: string): string {
  return `${PREFIX}${tokenId}_${secret}`;
}

/** The id and secret of a token, or null when the text is not shaped like one. */
export function parseApiToken(token: string): { tokenId: string; secret: string } | null {
  const match = /^tower_([a-z2-7]{1,64})_([A-Za-z0-9_-]{43})$/u.exec(token);
  return match ? { tokenId: match[1]!, secret: match[2]! } : null;
}

/** Compares a presented secret with a stored digest in constant time. */
export function secretMatches(secret: string, storedDigest: string | undefined): boolean {
  if (!storedDigest) return false;
  const actual = Buffer.from(secretDigest(secret), 'hex');
  const expected = Buffer.from(storedDigest, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
