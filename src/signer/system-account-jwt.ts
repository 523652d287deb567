import { UNLIMITED, mergeLimits, type AccountLimits } from '../domain/limits.ts';
import { signAccountWithExports, type ExportClaim } from './account-jwt.ts';
import type { Nkey } from './nkey.ts';

export interface SystemAccountJwtInput {
  /** Defaults to `SYS`, the name nsc gives it. */
  name?: string;
  accountId: string;
  signingKeys: readonly string[];
  /** Unix seconds. */
  issuedAt: number;
}

const SYS_DOCS = 'https://docs.nats.io/nats-server/configuration/sys_accounts';

/**
 * What nsc exports from the system account it creates: per-account monitoring requests
 * (CONNZ, SUBSZ, LEAFZ, JSZ, INFO, ...) and per-account event streams. The account token
 * position puts the importing account's id into the subject, so an account sees only itself.
 * nats-server adds the `$SYS.REQ.SERVER.PING.CONNZ` family by itself at startup.
 */
export const SYSTEM_ACCOUNT_EXPORTS: readonly ExportClaim[] = Object.freeze([
  {
    name: 'account-monitoring-services',
    subject: '$SYS.REQ.ACCOUNT.*.*',
    type: 'service',
    response_type: 'Stream',
    account_token_position: 4,
    description:
      'Request account specific monitoring services for: SUBSZ, CONNZ, LEAFZ, JSZ and INFO',
    info_url: SYS_DOCS,
  },
  {
    name: 'account-monitoring-streams',
    subject: '$SYS.ACCOUNT.*.>',
    type: 'stream',
    account_token_position: 3,
    description: 'Account specific monitoring stream',
    info_url: SYS_DOCS,
  },
]);

/**
 * Unlimited in every count and size, with JetStream off: nats-server does not run JetStream
 * in the system account, it keeps that account for its own traffic.
 */
export const SYSTEM_ACCOUNT_LIMITS: AccountLimits = mergeLimits(UNLIMITED, {
  jetstream: {
    memoryStorage: 0,
    diskStorage: 0,
    streams: 0,
    consumers: 0,
    maxAckPending: 0,
    memoryMaxStreamBytes: 0,
    diskMaxStreamBytes: 0,
  },
});

/** Signs the system account's JWT with an operator signing key. */
export function signSystemAccountJwt(input: SystemAccountJwtInput, operatorSigningKey: Nkey) {
  const account = { ...input, name: input.name ?? 'SYS', limits: SYSTEM_ACCOUNT_LIMITS };
  return signAccountWithExports(account, SYSTEM_ACCOUNT_EXPORTS, operatorSigningKey);
}
