import { expect } from 'vitest';
import type { Actor } from '../../src/commands/index.ts';
import {
  UNLIMITED,
  mergeLimits,
  type NatsUserLimits,
  type PartialLimits,
} from '../../src/domain/limits.ts';
import { event } from '../../src/events/index.ts';
import { testKey } from '../helpers/given-when-then.ts';

/** The people of the scenarios: Ada administers, Alice and Bob are users. */
export const ADMIN: Actor = { userId: 'ada', role: 'admin' };
export const ALICE: Actor = { userId: 'alice', role: 'user' };
export const BOB: Actor = { userId: 'bob', role: 'user' };

export const adaExists = event('TowerUserCreated', {
  userId: 'ada',
  email: 'ada@example.test',
  displayName: 'Ada',
  role: 'admin',
});
export const aliceExists = event('TowerUserCreated', {
  userId: 'alice',
  email: 'alice@example.test',
  displayName: 'Alice',
  role: 'user',
});
export const bobExists = event('TowerUserCreated', {
  userId: 'bob',
  email: 'bob@example.test',
  displayName: 'Bob',
  role: 'user',
});

/** Ada, Alice and Bob, with no teams. */
export const people = [adaExists, aliceExists, bobExists];

/** A public NKey of a kind: O operator, A account, U user. */
export const anyKey = (prefix: 'O' | 'A' | 'U'): string =>
  expect.stringMatching(new RegExp(`^${prefix}[A-Z2-7]{55}$`, 'u'));

export const teamCreated = (teamId: string, name = teamId) =>
  event('TeamCreated', { teamId, name });

export const memberAdded = (teamId: string, userId: string) =>
  event('TeamMemberAdded', { teamId, userId });

export function installationCreated(
  installationId: string,
  options: { name?: string; teams?: string[]; description?: string } = {},
) {
  return event('InstallationCreated', {
    installationId,
    name: options.name ?? installationId,
    urls: ['nats://127.0.0.1:4222'],
    description: options.description ?? '',
    teams: options.teams ?? [],
    keys: {
      operatorPublicKey: testKey('operator'),
      operatorSigningKey: testKey('operator'),
      systemAccountPublicKey: testKey('account'),
      systemAccountSigningKey: testKey('account'),
      systemUserPublicKey: testKey('user'),
    },
  });
}

/** A profile whose unnamed limits are unlimited, as CreateLimitProfile makes them. */
export function limitProfileCreated(profileId: string, limits: PartialLimits = {}) {
  return event('LimitProfileCreated', {
    profileId,
    name: profileId,
    description: '',
    limits: mergeLimits(UNLIMITED, limits),
  });
}

export function accountCreated(
  accountId: string,
  installationId: string,
  options: {
    name?: string;
    teams?: string[];
    limitProfileId?: string;
    limits?: PartialLimits;
    description?: string;
  } = {},
) {
  return event('AccountCreated', {
    accountId,
    installationId,
    name: options.name ?? accountId,
    description: options.description ?? '',
    teams: options.teams ?? [],
    limitProfileId: options.limitProfileId ?? null,
    limits: options.limits ?? {},
    publicKey: testKey('account'),
    signingKey: testKey('account'),
  });
}

export function natsUserCreated(
  natsUserId: string,
  accountId: string,
  options: { name?: string; limits?: NatsUserLimits; description?: string } = {},
) {
  return event('NatsUserCreated', {
    natsUserId,
    accountId,
    name: options.name ?? natsUserId,
    description: options.description ?? '',
    permissions: { pub: { allow: [], deny: [] }, sub: { allow: [], deny: [] }, responses: null },
    limits: options.limits ?? { subscriptions: -1, data: -1, payload: -1 },
    bearer: false,
    expiresAt: null,
    publicKey: testKey('user'),
  });
}
