import { parseCreds as natsParseCreds } from '@nats-io/jwt';
import { describe, expect, it } from 'vitest';

import { USER_UNLIMITED } from '../../src/domain/limits.ts';
import { NO_PERMISSION_RULES } from '../../src/domain/subjects.ts';
import { formatCreds, parseCreds } from '../../src/signer/creds-file.ts';
import { Nkey } from '../../src/signer/nkey.ts';
import { signUserJwt } from '../../src/signer/user-jwt.ts';

const account = Nkey.create('account');
const accountSigningKey = Nkey.create('account');
const user = Nkey.create('user');

const userInput = {
  name: 'alice',
  userId: user.publicKey,
  accountId: account.publicKey,
  permissions: NO_PERMISSION_RULES,
  limits: USER_UNLIMITED,
  bearerToken: false,
  issuedAt: 1_700_000_000,
};

describe('formatCreds', () => {
  const jwt = signUserJwt(userInput, accountSigningKey);

  it('writes the creds file exactly as the NATS tools do', () => {
    expect(formatCreds(jwt, user.seed())).toBe(
      `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n` +
        '************************* IMPORTANT *************************\n' +
        'NKEY Seed printed below can be used to sign and prove identity.\n' +
        'NKEYs are sensitive and should be treated as secrets.\n\n' +
        `-----BEGIN USER NKEY SEED-----\n${user.seed()}\n------END USER NKEY SEED------\n\n` +
        '*************************************************************\n',
    );
  });

  it('reads back with our parser and with nats.js', async () => {
    const text = formatCreds(jwt, user.seed());

    expect(parseCreds(text)).toEqual({ jwt, seed: user.seed() });
    const parsed = await natsParseCreds(new TextEncoder().encode(text));
    expect(parsed).toMatchObject({ jwt, key: user.seed(), aid: account.publicKey });
  });

  it('refuses a seed that is not a user seed', () => {
    expect(() => formatCreds(jwt, account.seed())).toThrow(/user seed/);
  });
});
