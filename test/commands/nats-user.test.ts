import { afterEach, describe, expect, it } from 'vitest';
import { event } from '../../src/events/index.ts';
import { closeTowers, given } from '../helpers/given-when-then.ts';
import {
  ALICE,
  accountCreated,
  anyKey,
  installationCreated,
  memberAdded,
  natsUserCreated,
  people,
  teamCreated,
} from './fixtures.ts';

afterEach(closeTowers);

/** Alice is in the red team. Orders is open to all, with a payload cap; secret is blue's. */
const world = [
  ...people,
  teamCreated('red'),
  teamCreated('blue'),
  memberAdded('red', 'alice'),
  installationCreated('prod'),
  accountCreated('orders', 'prod', { limits: { payload: 1024, subscriptions: 100 } }),
  accountCreated('secret', 'prod', { teams: ['blue'] }),
];
const svc = natsUserCreated('svc', 'orders', { description: 'Order service' });
const hiddenSvc = natsUserCreated('hidden-svc', 'secret');

const NO_RULES = { allow: [], deny: [] };
const FUTURE = '2999-01-31T12:00:00Z';
const PAST = '2001-01-31T12:00:00Z';

const badSubjects = [
  ['a.>.b', 'may use ">" only as the last token'],
  ['foo*', 'may use "*" and ">" only as whole tokens'],
  ['a..b', 'must not have an empty token'],
  ['.a', 'must not have an empty token'],
  ['a b', 'must not contain spaces or control characters'],
];

describe('CreateNatsUser', () => {
  it('lets a user create a NATS user in an account they see, with safe defaults', async () => {
    await given(...world)
      .when('CreateNatsUser', { accountId: 'orders', name: 'svc' }, ALICE)
      .thenEvents(
        event('NatsUserCreated', {
          natsUserId: expect.any(String),
          accountId: 'orders',
          name: 'svc',
          description: '',
          permissions: { pub: NO_RULES, sub: NO_RULES, responses: null },
          limits: { subscriptions: -1, data: -1, payload: -1 },
          bearer: false,
          expiresAt: null,
          publicKey: anyKey('U'),
        }),
      );
  });

  it('records permissions, limits within the account, bearer and expiry', async () => {
    const permissions = {
      pub: { allow: ['orders.>'], deny: ['orders.admin.*'] },
      sub: { allow: ['_INBOX.>'], deny: [] },
      responses: { max: 1, ttlSeconds: 60 },
    };
    const limits = { subscriptions: 100, data: -1, payload: 512 };
    const input = { accountId: 'orders', name: 'svc', permissions, limits, bearer: true };
    await given(...world)
      .when('CreateNatsUser', { ...input, expiresAt: FUTURE }, ALICE)
      .thenEvents(
        event('NatsUserCreated', {
          ...input,
          natsUserId: expect.any(String),
          description: '',
          expiresAt: FUTURE,
          publicKey: anyKey('U'),
        }),
      );
  });

  it('refuses a name another NATS user of the account has', async () => {
    await given(...world, svc)
      .when('CreateNatsUser', { accountId: 'orders', name: 'svc' }, ALICE)
      .thenFails('name_taken', 'name');
  });

  it('refuses a limit above the account’s, naming the limit', async () => {
    const limits = { subscriptions: -1, data: -1, payload: 4096 };
    const error = await given(...world)
      .when('CreateNatsUser', { accountId: 'orders', name: 'svc', limits }, ALICE)
      .thenFails('limit_exceeds_account', 'limits.payload');
    expect(error.context).toEqual({ value: 4096, accountLimit: 1024 });
  });

  it.each(badSubjects)('refuses the subject %s', async (subject, rule) => {
    const permissions = { sub: { deny: ['ok.>', subject] } };
    await given(...world)
      .when('CreateNatsUser', { accountId: 'orders', name: 'svc', permissions }, ALICE)
      .thenRejectsInput('permissions.sub.deny.1', rule);
  });

  it('refuses an expiry in the past', async () => {
    await given(...world)
      .when('CreateNatsUser', { accountId: 'orders', name: 'svc', expiresAt: PAST }, ALICE)
      .thenFails('invalid_input', 'expiresAt');
  });

  it('refuses an expiry that is not an ISO-8601 time', async () => {
    await given(...world)
      .when('CreateNatsUser', { accountId: 'orders', name: 'svc', expiresAt: 'tomorrow' }, ALICE)
      .thenRejectsInput('expiresAt', 'must be an ISO-8601 date and time');
  });

  it('refuses an unknown account', async () => {
    await given(...world)
      .when('CreateNatsUser', { accountId: 'billing', name: 'svc' }, ALICE)
      .thenFails('not_found', 'accountId');
  });

  it('answers not found to a user who cannot see the account', async () => {
    await given(...world)
      .when('CreateNatsUser', { accountId: 'secret', name: 'svc' }, ALICE)
      .thenFails('not_found', 'accountId');
  });
});

describe('UpdateNatsUser', () => {
  it('records only what changed, and keeps the description when it is left out', async () => {
    const scenario = given(...world, svc);
    const permissions = { pub: { allow: ['orders.>'], deny: [] }, sub: NO_RULES, responses: null };
    await scenario
      .when(
        'UpdateNatsUser',
        { natsUserId: 'svc', name: 'svc', permissions, bearer: true, expectedVersion: 1 },
        ALICE,
      )
      .thenEvents(
        event('NatsUserUpdated', {
          natsUserId: 'svc',
          accountId: 'orders',
          permissions,
          bearer: true,
        }),
      );

    expect(scenario.tower.reader.natsUser('svc')?.description).toBe('Order service');
  });

  it('sets and clears an expiry', async () => {
    const scenario = given(...world, svc);
    await scenario
      .when('UpdateNatsUser', { natsUserId: 'svc', expiresAt: FUTURE }, ALICE)
      .thenEvents(
        event('NatsUserUpdated', { natsUserId: 'svc', accountId: 'orders', expiresAt: FUTURE }),
      );

    await scenario
      .when('UpdateNatsUser', { natsUserId: 'svc', expiresAt: null }, ALICE)
      .thenEvents(
        event('NatsUserUpdated', { natsUserId: 'svc', accountId: 'orders', expiresAt: null }),
      );
  });

  it('changes nothing when every field is the same', async () => {
    const unchanged = {
      name: 'svc',
      description: 'Order service',
      permissions: { pub: NO_RULES, sub: NO_RULES, responses: null },
      limits: { subscriptions: -1, data: -1, payload: -1 },
      bearer: false,
      expiresAt: null,
    };
    await given(...world, svc)
      .when('UpdateNatsUser', { natsUserId: 'svc', ...unchanged }, ALICE)
      .thenNoEvents();
  });

  it('refuses the name of another NATS user of the account', async () => {
    await given(...world, svc, natsUserCreated('web', 'orders'))
      .when('UpdateNatsUser', { natsUserId: 'web', name: 'svc' }, ALICE)
      .thenFails('name_taken', 'name');
  });

  it('refuses a limit above the account’s, naming the limit', async () => {
    const limits = { subscriptions: 101, data: -1, payload: -1 };
    await given(...world, svc)
      .when('UpdateNatsUser', { natsUserId: 'svc', limits }, ALICE)
      .thenFails('limit_exceeds_account', 'limits.subscriptions');
  });

  it.each(badSubjects)('refuses the subject %s', async (subject, rule) => {
    const permissions = { pub: { allow: [subject] } };
    await given(...world, svc)
      .when('UpdateNatsUser', { natsUserId: 'svc', permissions }, ALICE)
      .thenRejectsInput('permissions.pub.allow.0', rule);
  });

  it('refuses an expiry in the past', async () => {
    await given(...world, svc)
      .when('UpdateNatsUser', { natsUserId: 'svc', expiresAt: PAST }, ALICE)
      .thenFails('invalid_input', 'expiresAt');
  });

  it('refuses an unknown NATS user', async () => {
    await given(...world)
      .when('UpdateNatsUser', { natsUserId: 'svc', bearer: true }, ALICE)
      .thenFails('not_found', 'natsUserId');
  });

  it('answers not found to a user who cannot see its account', async () => {
    await given(...world, hiddenSvc)
      .when('UpdateNatsUser', { natsUserId: 'hidden-svc', bearer: true }, ALICE)
      .thenFails('not_found', 'natsUserId');
  });

  it('refuses a stale expected version', async () => {
    await given(...world, svc)
      .when('UpdateNatsUser', { natsUserId: 'svc', bearer: true, expectedVersion: 0 }, ALICE)
      .thenFails('version_conflict');
  });
});

describe('RotateNatsUserCredentials', () => {
  it('replaces the key, naming the old one for revocation', async () => {
    const scenario = given(...world, svc);
    await scenario
      .when('RotateNatsUserCredentials', { natsUserId: 'svc', expectedVersion: 1 }, ALICE)
      .thenEvents(
        event('NatsUserCredentialsRotated', {
          natsUserId: 'svc',
          accountId: 'orders',
          previousPublicKey: svc.data.publicKey,
          publicKey: anyKey('U'),
        }),
      );

    expect(scenario.tower.reader.natsUser('svc')?.publicKey).toMatch(/^U[A-Z2-7]{55}$/u);
  });

  it('refuses an unknown NATS user', async () => {
    await given(...world)
      .when('RotateNatsUserCredentials', { natsUserId: 'svc' }, ALICE)
      .thenFails('not_found', 'natsUserId');
  });

  it('answers not found to a user who cannot see its account', async () => {
    await given(...world, hiddenSvc)
      .when('RotateNatsUserCredentials', { natsUserId: 'hidden-svc' }, ALICE)
      .thenFails('not_found', 'natsUserId');
  });

  it('refuses a stale expected version', async () => {
    await given(...world, svc)
      .when('RotateNatsUserCredentials', { natsUserId: 'svc', expectedVersion: 2 }, ALICE)
      .thenFails('version_conflict');
  });
});

describe('DeleteNatsUser', () => {
  it('deletes a NATS user, naming its key for revocation', async () => {
    const scenario = given(...world, svc);
    await scenario
      .when('DeleteNatsUser', { natsUserId: 'svc', expectedVersion: 1 }, ALICE)
      .thenEvents(
        event('NatsUserDeleted', {
          natsUserId: 'svc',
          accountId: 'orders',
          publicKey: svc.data.publicKey,
        }),
      );

    expect(scenario.tower.reader.natsUserByName('orders', 'svc')).toBeUndefined();
  });

  it('refuses an unknown NATS user', async () => {
    await given(...world)
      .when('DeleteNatsUser', { natsUserId: 'svc' }, ALICE)
      .thenFails('not_found', 'natsUserId');
  });

  it('answers not found to a user who cannot see its account', async () => {
    await given(...world, hiddenSvc)
      .when('DeleteNatsUser', { natsUserId: 'hidden-svc' }, ALICE)
      .thenFails('not_found', 'natsUserId');
  });

  it('refuses a stale expected version', async () => {
    await given(...world, svc)
      .when('DeleteNatsUser', { natsUserId: 'svc', expectedVersion: 0 }, ALICE)
      .thenFails('version_conflict');
  });
});
