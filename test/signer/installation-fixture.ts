import {
  UNLIMITED,
  USER_UNLIMITED,
  type AccountLimits,
  type NatsUserLimits,
} from '../../src/domain/limits.ts';
import { NO_PERMISSION_RULES, type Permissions } from '../../src/domain/subjects.ts';
import {
  formatCreds,
  renderOperatorConf,
  signAccountJwt,
  signOperatorJwt,
  signSystemAccountJwt,
  signUserJwt,
  type AccountJwtInput,
} from '../../src/signer/claims.ts';
import { Nkey } from '../../src/signer/nkey.ts';

/** An account's keys and its signed JWT. */
export interface TestAccount {
  identity: Nkey;
  signingKey: Nkey;
  jwt: string;
}

export interface TestUser {
  key: Nkey;
  jwt: string;
  creds: string;
}

export interface UserOptions {
  permissions?: Permissions;
  limits?: NatsUserLimits;
  bearerToken?: boolean;
  expiresAt?: number | null;
  issuedAt?: number;
}

export const NOW = Math.floor(Date.now() / 1000);

/**
 * An installation built only with Tower's signer: operator with a signing key, SYS account,
 * a system user, and helpers to add accounts and users.
 */
export class TestInstallation {
  readonly operator = Nkey.create('operator');
  readonly operatorSigningKey = Nkey.create('operator');
  readonly sys: TestAccount;
  readonly sysUser: TestUser;
  readonly operatorJwt: string;

  constructor(options: { urls?: string[]; strictSigningKeys?: boolean } = {}) {
    const sysIdentity = Nkey.create('account');
    const sysSigningKey = Nkey.create('account');
    const sysInput = {
      accountId: sysIdentity.publicKey,
      signingKeys: [sysSigningKey.publicKey],
      issuedAt: NOW,
    };
    const sysJwt = signSystemAccountJwt(sysInput, this.operatorSigningKey);
    this.sys = { identity: sysIdentity, signingKey: sysSigningKey, jwt: sysJwt };
    this.sysUser = this.user(this.sys, 'sys');

    const operatorInput = {
      name: 'tower-test',
      signingKeys: [this.operatorSigningKey.publicKey],
      systemAccountId: sysIdentity.publicKey,
      urls: options.urls ?? ['nats://127.0.0.1:4222'],
      issuedAt: NOW,
      strictSigningKeys: options.strictSigningKeys,
    };
    this.operatorJwt = signOperatorJwt(operatorInput, this.operator);
  }

  /** The operator.conf text for this installation. */
  operatorConf(): string {
    return renderOperatorConf({
      operatorJwt: this.operatorJwt,
      systemAccountId: this.sys.identity.publicKey,
      systemAccountJwt: this.sys.jwt,
    });
  }

  /** A new account signed by the operator signing key. */
  account(name: string, limits: AccountLimits = UNLIMITED): TestAccount {
    const identity = Nkey.create('account');
    const signingKey = Nkey.create('account');
    const jwt = this.accountJwt(identity, signingKey, { name, limits });
    return { identity, signingKey, jwt };
  }

  /** Re-signs an existing account with other settings, e.g. new limits or revocations. */
  accountJwt(
    identity: Nkey,
    signingKey: Nkey,
    input: Partial<AccountJwtInput> & { name: string },
  ): string {
    const full: AccountJwtInput = {
      accountId: identity.publicKey,
      signingKeys: [signingKey.publicKey],
      limits: UNLIMITED,
      issuedAt: NOW,
      ...input,
    };
    return signAccountJwt(full, this.operatorSigningKey);
  }

  /** A new user of the account, signed by the account's signing key. */
  user(account: TestAccount, name: string, options: UserOptions = {}): TestUser {
    const key = Nkey.create('user');
    const input = {
      name,
      userId: key.publicKey,
      accountId: account.identity.publicKey,
      permissions: options.permissions ?? NO_PERMISSION_RULES,
      limits: options.limits ?? USER_UNLIMITED,
      bearerToken: options.bearerToken ?? false,
      expiresAt: options.expiresAt ?? null,
      issuedAt: options.issuedAt ?? NOW,
    };
    const jwt = signUserJwt(input, account.signingKey);
    return { key, jwt, creds: formatCreds(jwt, key.seed()) };
  }
}
