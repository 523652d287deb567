import { decode as natsDecode } from '@nats-io/jwt';
import { fromPublic } from '@nats-io/nkeys';
import { describe, expect, it } from 'vitest';

import { UNLIMITED, USER_UNLIMITED, type AccountLimits } from '../../src/domain/limits.ts';
import { NO_PERMISSION_RULES } from '../../src/domain/subjects.ts';
import {
  decodeJwt,
  operatorServiceUrls,
  signAccountDeletionJwt,
  signAccountJwt,
  signOperatorJwt,
  signSystemAccountJwt,
  signUserJwt,
  SYSTEM_ACCOUNT_EXPORTS,
  type AccountJwtInput,
  type UserJwtInput,
} from '../../src/signer/claims.ts';
import { Nkey } from '../../src/signer/nkey.ts';

const operator = Nkey.create('operator');
const operatorSigningKey = Nkey.create('operator');
const sys = Nkey.create('account');
const account = Nkey.create('account');
const accountSigningKey = Nkey.create('account');
const user = Nkey.create('user');
const issuedAt = 1_700_000_000;

const LIMITS: AccountLimits = {
  connections: 10,
  leafNodes: 0,
  subscriptions: 1000,
  payload: 1_048_576,
  data: -1,
  imports: 5,
  exports: -1,
  wildcardExports: false,
  jetstream: {
    memoryStorage: 0,
    diskStorage: 1_000_000,
    streams: 3,
    consumers: -1,
    maxAckPending: 100,
    memoryMaxStreamBytes: -1,
    diskMaxStreamBytes: 500_000,
    maxBytesRequired: true,
  },
};

const accountInput: AccountJwtInput = {
  name: 'orders',
  accountId: account.publicKey,
  signingKeys: [accountSigningKey.publicKey],
  limits: LIMITS,
  issuedAt,
};

const userInput: UserJwtInput = {
  name: 'alice',
  userId: user.publicKey,
  accountId: account.publicKey,
  permissions: NO_PERMISSION_RULES,
  limits: USER_UNLIMITED,
  bearerToken: false,
  issuedAt,
};

/** Claims as the nats.js decoder reads them; it throws unless the issuer's signature holds. */
function claimsOf(token: string) {
  return natsDecode<Record<string, unknown>>(token);
}

function verifiesWithNkeys(token: string): boolean {
  const [head, body, signature] = token.split('.') as [string, string, string];
  const { iss } = claimsOf(token);
  const data = new TextEncoder().encode(`${head}.${body}`);
  return fromPublic(iss).verify(data, Buffer.from(signature, 'base64url'));
}

const ALL_TOKENS: Record<string, () => string> = {
  operator: () =>
    signOperatorJwt(
      {
        name: 'acme',
        signingKeys: [operatorSigningKey.publicKey],
        systemAccountId: sys.publicKey,
        urls: ['nats://a:4222'],
        issuedAt,
      },
      operator,
    ),
  account: () => signAccountJwt(accountInput, operatorSigningKey),
  system: () =>
    signSystemAccountJwt(
      { accountId: sys.publicKey, signingKeys: [], issuedAt },
      operatorSigningKey,
    ),
  user: () => signUserJwt(userInput, accountSigningKey),
  deletion: () =>
    signAccountDeletionJwt({ accountIds: [account.publicKey], issuedAt }, operatorSigningKey),
};

describe.each(Object.entries(ALL_TOKENS))('the %s JWT', (_kind, sign) => {
  it('decodes with the nats.js decoder and verifies with nkeys', () => {
    const token = sign();

    expect(claimsOf(token).jti).toMatch(/^[A-Z2-7]{52}$/);
    expect(verifiesWithNkeys(token)).toBe(true);
    expect(decodeJwt(token).signatureValid).toBe(true);
  });

  it('signs to byte-identical text from the same input', () => {
    expect(sign()).toBe(sign());
  });
});

describe('signOperatorJwt', () => {
  const input = {
    name: 'acme',
    signingKeys: [operatorSigningKey.publicKey],
    systemAccountId: sys.publicKey,
    urls: ['nats://n1.example.net:4222', 'wss://n1.example.net:443', 'tls://n2.example.net:4222/'],
    issuedAt,
  };

  it('is self-signed and names signing keys, system account and NATS service URLs', () => {
    const claims = claimsOf(signOperatorJwt(input, operator));

    expect(claims).toMatchObject({
      iss: operator.publicKey,
      sub: operator.publicKey,
      name: 'acme',
    });
    expect(claims.nats).toEqual({
      signing_keys: [operatorSigningKey.publicKey],
      operator_service_urls: ['nats://n1.example.net:4222', 'tls://n2.example.net:4222'],
      system_account: sys.publicKey,
      strict_signing_key_usage: true,
      type: 'operator',
      version: 2,
    });
  });

  it('leaves strict signing key usage out when asked', () => {
    const claims = claimsOf(signOperatorJwt({ ...input, strictSigningKeys: false }, operator));

    expect(claims.nats).not.toHaveProperty('strict_signing_key_usage');
    expect(claims.nats).not.toHaveProperty('account_server_url');
  });

  it('refuses a signer that is not an operator key', () => {
    expect(() => signOperatorJwt(input, account)).toThrow(
      expect.objectContaining({ code: 'internal' }),
    );
  });

  it('refuses a system account that is not an account key', () => {
    expect(() => signOperatorJwt({ ...input, systemAccountId: user.publicKey }, operator)).toThrow(
      expect.objectContaining({ code: 'invalid_input', field: 'systemAccountId' }),
    );
  });
});

describe('operatorServiceUrls', () => {
  it('keeps nats:// and tls:// URLs without credentials or path, once each', () => {
    const urls = [
      'nats://a:4222',
      'nats://a:4222/',
      'TLS://b:4443',
      'ws://a:8080',
      'wss://a:443',
      'nats://user:secret@c:4222',
      'nats://d:4222/path',
      'not a url',
    ];

    expect(operatorServiceUrls(urls)).toEqual(['nats://a:4222', 'tls://b:4443']);
  });
});

describe('signAccountJwt', () => {
  it('is issued by the operator signing key for the account identity', () => {
    const claims = claimsOf(signAccountJwt(accountInput, operatorSigningKey));

    expect(claims).toMatchObject({ iss: operatorSigningKey.publicKey, sub: account.publicKey });
    expect(claims.nats).toMatchObject({
      signing_keys: [accountSigningKey.publicKey],
      type: 'account',
      version: 2,
    });
  });

  it('writes every limit, in nats-server names', () => {
    const { nats } = claimsOf(signAccountJwt(accountInput, operatorSigningKey));

    expect((nats as { limits: unknown }).limits).toEqual({
      subs: 1000,
      data: -1,
      payload: 1_048_576,
      imports: 5,
      exports: -1,
      wildcards: false,
      conn: 10,
      leaf: 0,
      mem_storage: 0,
      disk_storage: 1_000_000,
      streams: 3,
      consumer: -1,
      max_ack_pending: 100,
      mem_max_stream_bytes: -1,
      disk_max_stream_bytes: 500_000,
      max_bytes_required: true,
    });
  });

  it('writes -1 for every count of an unlimited account', () => {
    const input = { ...accountInput, limits: UNLIMITED };
    const { limits } = claimsOf(signAccountJwt(input, operatorSigningKey)).nats as {
      limits: Record<string, number | boolean>;
    };
    const counts = Object.values(limits).filter((value) => typeof value === 'number');

    expect(counts).toHaveLength(14);
    expect(new Set(counts)).toEqual(new Set([-1]));
  });

  it('writes revocations sorted by key, and description and tags', () => {
    const [early, late] = [Nkey.create('user').publicKey, Nkey.create('user').publicKey].sort();
    const input = {
      ...accountInput,
      revocations: { [late!]: 20, '*': 5, [early!]: 10 },
      description: 'Order service',
      tags: ['team:shop'],
    };
    const { nats } = claimsOf(signAccountJwt(input, operatorSigningKey));

    expect(Object.entries((nats as { revocations: object }).revocations)).toEqual([
      ['*', 5],
      [early, 10],
      [late, 20],
    ]);
    expect(nats).toMatchObject({ description: 'Order service', tags: ['team:shop'] });
  });

  it('signs the same JWT whatever order the revocations were listed in', () => {
    const [a, b] = [Nkey.create('user').publicKey, Nkey.create('user').publicKey];
    const first = signAccountJwt({ ...accountInput, revocations: { [a]: 1, [b]: 2 } }, operator);
    const second = signAccountJwt({ ...accountInput, revocations: { [b]: 2, [a]: 1 } }, operator);

    expect(second).toBe(first);
  });

  it('refuses a revocation of something other than a user key', () => {
    const input = { ...accountInput, revocations: { [account.publicKey]: 1 } };

    expect(() => signAccountJwt(input, operatorSigningKey)).toThrow(
      expect.objectContaining({ code: 'invalid_input', field: `revocations.${account.publicKey}` }),
    );
  });

  it('refuses an account id that is not an account key', () => {
    expect(() =>
      signAccountJwt({ ...accountInput, accountId: operator.publicKey }, operatorSigningKey),
    ).toThrow(expect.objectContaining({ field: 'accountId' }));
  });
});

describe('signSystemAccountJwt', () => {
  const token = () =>
    signSystemAccountJwt(
      { accountId: sys.publicKey, signingKeys: [accountSigningKey.publicKey], issuedAt },
      operatorSigningKey,
    );

  it('is named SYS and exports the account monitoring services and streams', () => {
    const claims = claimsOf(token());
    const exports = (claims.nats as { exports: { subject: string }[] }).exports;

    expect(claims.name).toBe('SYS');
    expect(exports.map((entry) => entry.subject)).toEqual([
      '$SYS.ACCOUNT.*.>',
      '$SYS.REQ.ACCOUNT.*.*',
    ]);
    expect(exports).toEqual(expect.arrayContaining([...SYSTEM_ACCOUNT_EXPORTS]));
  });

  it('is unlimited, with JetStream off', () => {
    const { limits } = claimsOf(token()).nats as { limits: Record<string, number | boolean> };

    expect(limits).toMatchObject({ conn: -1, leaf: -1, subs: -1, data: -1, payload: -1 });
    expect(limits).toMatchObject({ mem_storage: 0, disk_storage: 0 });
  });
});

describe('signUserJwt', () => {
  it('is issued by the account signing key on behalf of the account', () => {
    const claims = claimsOf(signUserJwt(userInput, accountSigningKey));

    expect(claims).toMatchObject({ iss: accountSigningKey.publicKey, sub: user.publicKey });
    expect(claims.nats).toEqual({
      pub: {},
      sub: {},
      subs: -1,
      data: -1,
      payload: -1,
      bearer_token: false,
      issuer_account: account.publicKey,
      type: 'user',
      version: 2,
    });
    expect(claims).not.toHaveProperty('exp');
  });

  it('writes permissions, response permission in nanoseconds, limits, bearer and expiry', () => {
    const input: UserJwtInput = {
      ...userInput,
      permissions: {
        pub: { allow: ['orders.>'], deny: ['orders.admin.>'] },
        sub: { allow: [], deny: ['secret.>'] },
        responses: { max: 1, ttlSeconds: 30 },
      },
      limits: { subscriptions: 10, data: 1000, payload: 512 },
      bearerToken: true,
      expiresAt: issuedAt + 3600,
    };
    const claims = claimsOf(signUserJwt(input, accountSigningKey));

    expect(claims.exp).toBe(issuedAt + 3600);
    expect(claims.nats).toMatchObject({
      pub: { allow: ['orders.>'], deny: ['orders.admin.>'] },
      sub: { deny: ['secret.>'] },
      resp: { max: 1, ttl: 30_000_000_000 },
      subs: 10,
      data: 1000,
      payload: 512,
      bearer_token: true,
    });
  });

  it('leaves issuer_account out when the account identity key signs', () => {
    const claims = claimsOf(signUserJwt(userInput, account));

    expect(claims.iss).toBe(account.publicKey);
    expect(claims.nats).not.toHaveProperty('issuer_account');
  });

  it('refuses a user id that is not a user key', () => {
    expect(() =>
      signUserJwt({ ...userInput, userId: account.publicKey }, accountSigningKey),
    ).toThrow(expect.objectContaining({ code: 'invalid_input', field: 'userId' }));
  });
});

describe('signAccountDeletionJwt', () => {
  it('is a self-signed generic claim that lists the accounts', () => {
    const token = signAccountDeletionJwt(
      { accountIds: [account.publicKey], issuedAt },
      operatorSigningKey,
    );
    const claims = claimsOf(token);

    expect(claims).toMatchObject({
      iss: operatorSigningKey.publicKey,
      sub: operatorSigningKey.publicKey,
    });
    expect(claims.nats).toEqual({ accounts: [account.publicKey], type: 'generic', version: 2 });
  });
});
