import { createHash } from 'node:crypto';

import { decode as natsDecode } from '@nats-io/jwt';
import { fromPublic } from '@nats-io/nkeys';
import { describe, expect, it } from 'vitest';

import { TowerError } from '../../src/errors/index.ts';
import { base32Encode } from '../../src/signer/base32.ts';
import { decodeJwt, jwtId, signJwt, type JwtInput } from '../../src/signer/jwt.ts';
import { Nkey } from '../../src/signer/nkey.ts';

const signer = Nkey.fromSeed(Nkey.create('operator').seed());
const account = Nkey.create('account');

const input: JwtInput = {
  type: 'account',
  subject: account.publicKey,
  name: 'orders',
  issuedAt: 1_700_000_000,
  nats: { limits: { conn: -1 } },
};

function segments(token: string) {
  const [head, body, signature] = token.split('.') as [string, string, string];
  const json = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { head, body, signature, header: json(head), claims: json(body) };
}

describe('signJwt', () => {
  it('writes the NATS v2 header, base64url without padding', () => {
    const { head, header } = segments(signJwt(input, signer));

    expect(header).toEqual({ typ: 'JWT', alg: 'ed25519-nkey' });
    expect(head).not.toMatch(/[=+/]/);
  });

  it('signs byte-identical text for identical input, and other text for other input', () => {
    const first = signJwt(input, signer);

    expect(signJwt({ ...input, nats: { limits: { conn: -1 } } }, signer)).toBe(first);
    expect(signJwt({ ...input, issuedAt: input.issuedAt + 1 }, signer)).not.toBe(first);
  });

  it('fills iss, sub, iat, name and nats.type and nats.version', () => {
    const { claims } = segments(signJwt(input, signer));

    expect(claims).toMatchObject({
      iss: signer.publicKey,
      sub: account.publicKey,
      iat: 1_700_000_000,
      name: 'orders',
      nats: { limits: { conn: -1 }, type: 'account', version: 2 },
    });
    expect(claims).not.toHaveProperty('exp');
  });

  it('writes exp only when an expiry is given', () => {
    const { claims } = segments(signJwt({ ...input, expiresAt: 1_800_000_000 }, signer));

    expect(claims.exp).toBe(1_800_000_000);
  });

  it('sets jti to unpadded base32 SHA-512/256 of the claims without jti', () => {
    const { claims } = segments(signJwt(input, signer));
    const { jti, ...withoutId } = claims;
    const digest = createHash('sha512-256').update(JSON.stringify(withoutId)).digest();

    expect(jti).toBe(base32Encode(digest));
    expect(jti).toMatch(/^[A-Z2-7]{52}$/);
    expect(jwtId(withoutId)).toBe(jti);
  });

  it('gives a JWT with other claims but the same iss, sub, iat and name another jti', () => {
    const first = segments(signJwt(input, signer)).claims.jti;
    const second = segments(signJwt({ ...input, nats: { limits: { conn: 5 } } }, signer)).claims
      .jti;

    expect(second).not.toBe(first);
  });

  it('produces a token the nats.js decoder accepts and an nkeys signature check verifies', () => {
    const token = signJwt(input, signer);
    const { head, body, signature } = segments(token);

    expect(natsDecode(token)).toMatchObject({ sub: account.publicKey, iss: signer.publicKey });
    const signed = new TextEncoder().encode(`${head}.${body}`);
    expect(fromPublic(signer.publicKey).verify(signed, Buffer.from(signature, 'base64url'))).toBe(
      true,
    );
  });

  it('refuses an issuedAt that is not whole unix seconds', () => {
    expect(() => signJwt({ ...input, issuedAt: 1.5 }, signer)).toThrow(TowerError);
    expect(() => signJwt({ ...input, expiresAt: -1 }, signer)).toThrow(/expiresAt/);
  });
});

describe('decodeJwt', () => {
  it('reads back the claims and reports a valid signature', () => {
    const decoded = decodeJwt(signJwt(input, signer));

    expect(decoded.signatureValid).toBe(true);
    expect(decoded.header.alg).toBe('ed25519-nkey');
    expect(decoded.claims.nats.type).toBe('account');
  });

  it('reports an invalid signature when the claims were altered', () => {
    const { head, signature } = segments(signJwt(input, signer));
    const forged = Buffer.from(JSON.stringify({ iss: signer.publicKey, sub: 'x', nats: {} }));
    const token = `${head}.${forged.toString('base64url')}.${signature}`;

    expect(decodeJwt(token).signatureValid).toBe(false);
  });

  it('throws invalid_input for text that is not a NATS JWT', () => {
    expect(() => decodeJwt('not.a-jwt')).toThrow(/has 2 parts, expected 3/);
    expect(() => decodeJwt('e30.e30.e30')).toThrow(
      expect.objectContaining({ code: 'invalid_input' }),
    );
  });
});
