import { createHash } from 'node:crypto';

import { TowerError } from '../errors/index.ts';
import { base32Encode } from './base32.ts';
import { verifyWithPublicKey, type Nkey } from './nkey.ts';

/** What a NATS JWT describes; nats-server reads it from `nats.type`. */
export type ClaimType = 'operator' | 'account' | 'user' | 'activation' | 'generic';

/** The fields a caller decides. Time is always passed in, so equal input signs to equal text. */
export interface JwtInput {
  type: ClaimType;
  /** The public nkey the JWT is about. */
  subject: string;
  name: string;
  /** Unix seconds. */
  issuedAt: number;
  /** Unix seconds; left out when undefined or null. */
  expiresAt?: number | null;
  /** The type-specific claims; `type` and `version` are added here. */
  nats: Record<string, unknown>;
}

/** The JSON body of a NATS JWT, as nats-server and the Go library write it. */
export interface JwtClaims {
  aud?: string;
  exp?: number;
  jti: string;
  iat: number;
  iss: string;
  name: string;
  nbf?: number;
  sub: string;
  nats: Record<string, unknown> & { type?: string; version?: number };
}

export interface DecodedJwt {
  header: { typ: string; alg: string };
  claims: JwtClaims;
  /** Whether the signature verifies against the issuer (`iss`) key. */
  signatureValid: boolean;
}

/** Whole unix seconds of an ISO-8601 time, as JWT claims write times. */
export const unixSeconds = (iso: string): number => Math.floor(Date.parse(iso) / 1000);

const ALGORITHM = 'ed25519-nkey';
const HEADER = base64url(JSON.stringify({ typ: 'JWT', alg: ALGORITHM }));

/**
 * Signs a NATS v2 JWT. The output is a pure function of the input and the key: no clock, no
 * randomness, a fixed key order.
 *
 * @example
 * signJwt({ type: 'account', subject: accountId, name: 'orders', issuedAt, nats }, signingKey)
 */
export function signJwt(input: JwtInput, signer: Nkey): string {
  checkTime(input.issuedAt, 'issuedAt');
  if (input.expiresAt != null) checkTime(input.expiresAt, 'expiresAt');

  const claims = claimsFor(input, signer.publicKey);
  const payload = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  const signature = signer.sign(Buffer.from(payload, 'utf8'));
  return `${payload}.${base64url(signature)}`;
}

/**
 * The JWT id: base32 (unpadded) of SHA-512/256 over the claims serialized without `jti`. The
 * Go library uses the same hash and encoding but covers only the standard fields (iss, sub,
 * iat, name, ...), so two versions of an account signed in the same second share an id, and
 * when resolvers of a cluster exchange JWTs a server keeps its own copy if the ids are equal.
 * Hashing the whole claim gives every change a new id.
 */
export function jwtId(claimsWithoutId: Omit<JwtClaims, 'jti'>): string {
  const digest = createHash('sha512-256').update(JSON.stringify(claimsWithoutId)).digest();
  return base32Encode(digest);
}

/**
 * Reads a NATS JWT without trusting it: `signatureValid` says whether the issuer signed it.
 * Throws a TowerError (`invalid_input`) when the text is not a NATS JWT at all.
 */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw malformed(`has ${parts.length} parts, expected 3`);
  const [head, body, signature] = parts as [string, string, string];

  const header = parseSegment<DecodedJwt['header']>(head, 'header');
  if (header.typ?.toUpperCase() !== 'JWT') throw malformed(`has type "${header.typ}"`);
  if (header.alg !== ALGORITHM) throw malformed(`uses algorithm "${header.alg}"`);
  const claims = parseSegment<JwtClaims>(body, 'claims');
  if (typeof claims.iss !== 'string' || typeof claims.sub !== 'string') {
    throw malformed('lacks an issuer or subject');
  }

  const signed = Buffer.from(`${head}.${body}`, 'utf8');
  const signatureValid = safeVerify(claims.iss, signed, Buffer.from(signature, 'base64url'));
  return { header, claims, signatureValid };
}

function claimsFor(input: JwtInput, issuer: string): JwtClaims {
  const expiry = input.expiresAt == null ? {} : { exp: input.expiresAt };
  const standard = { iat: input.issuedAt, iss: issuer, name: input.name, sub: input.subject };
  const nats = { ...input.nats, type: input.type, version: 2 };
  const jti = jwtId({ ...expiry, ...standard, nats });
  return { ...expiry, jti, ...standard, nats };
}

function checkTime(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TowerError('invalid_input', `${field} must be whole unix seconds`, { field });
  }
}

function parseSegment<T>(segment: string, what: string): T {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object') return value as T;
  } catch {
    // Reported below with the segment's name.
  }
  throw malformed(`has an unreadable ${what}`);
}

function safeVerify(issuer: string, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verifyWithPublicKey(issuer, data, signature);
  } catch {
    return false;
  }
}

function malformed(problem: string): TowerError {
  return new TowerError('invalid_input', `Not a NATS JWT: it ${problem}`);
}

function base64url(data: string | Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}
