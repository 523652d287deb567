import { secretEntry } from '../domain/secret-entries.ts';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import {
  USER_UNLIMITED,
  natsUserLimitsSchema,
  type AccountLimits,
  type NatsUserLimits,
} from '../domain/limits.ts';
import { NO_PERMISSION_RULES, permissionsSchema } from '../domain/subjects.ts';
import { TowerError } from '../errors/index.ts';
import { event, type TowerEvent } from '../events/index.ts';
import { defineCommand, type Actor } from './define-command.ts';
import type { DomainReader, NatsUserState } from './domain-reader.ts';
import {
  assertNameFree,
  descriptionSchema,
  descriptionUpdateSchema,
  expectedVersionSchema,
  idSchema,
  nameSchema,
  present,
} from './rules.ts';
import { loadAccount, viewerOf, visibleAccount } from './visibility-rules.ts';

const expirySchema = z.iso
  .datetime({
    offset: true,
    error: 'must be an ISO-8601 date and time, such as 2027-01-31T12:00:00Z',
  })
  .nullable();

const natsUserTarget = (command: { natsUserId: string }) => ({
  streamType: 'nats-user' as const,
  streamId: command.natsUserId,
});

const LIMIT_NAMES: Record<keyof NatsUserLimits, keyof AccountLimits> = {
  subscriptions: 'subscriptions',
  data: 'data',
  payload: 'payload',
};

/** A NATS user's limit may not be above its account's; -1 on the user means "the account's". */
function assertWithinAccount(limits: NatsUserLimits, account: AccountLimits) {
  for (const [name, accountName] of Object.entries(LIMIT_NAMES) as [
    keyof NatsUserLimits,
    keyof AccountLimits,
  ][]) {
    const own = limits[name];
    const cap = account[accountName] as number;
    if (own !== -1 && cap !== -1 && own > cap) {
      throw new TowerError(
        'limit_exceeds_account',
        `limits.${name} is ${own}, above the account's limit of ${cap}.`,
        { field: `limits.${name}`, context: { value: own, accountLimit: cap } },
      );
    }
  }
}

function assertFuture(expiresAt: string | null | undefined, now: string) {
  if (expiresAt && Date.parse(expiresAt) <= Date.parse(now)) {
    throw new TowerError('invalid_input', 'expiresAt must be in the future.', {
      field: 'expiresAt',
    });
  }
}

export const CreateNatsUser = defineCommand({
  type: 'CreateNatsUser',
  schema: z
    .object({
      accountId: idSchema,
      name: nameSchema,
      description: descriptionSchema,
      permissions: permissionsSchema.default(NO_PERMISSION_RULES),
      limits: natsUserLimitsSchema.default(USER_UNLIMITED),
      bearer: z.boolean({ error: 'must be true or false' }).default(false),
      expiresAt: expirySchema.default(null),
    })
    .strict(),
  load: (reader, command, actor) => ({
    viewer: viewerOf(reader, actor),
    view: loadAccount(reader, command.accountId),
    sameName: reader.natsUserByName(command.accountId, command.name),
  }),
  // Any user who sees the account may manage its NATS users: that is the point of Tower.
  authorize: (_actor, state, command) => {
    visibleAccount(state.viewer, state.view, command.accountId, 'accountId');
  },
  decide: (state, command, ctx) => {
    const account = present(state.view.account, 'account', command.accountId);
    assertNameFree(state.sameName, 'A NATS user', command.name, undefined, 'in this account');
    assertWithinAccount(command.limits, account.effectiveLimits);
    assertFuture(command.expiresAt, ctx.now);
    return [
      event('NatsUserCreated', {
        natsUserId: ctx.newId(),
        accountId: account.id,
        name: command.name,
        description: command.description,
        permissions: command.permissions,
        limits: command.limits,
        bearer: command.bearer,
        expiresAt: command.expiresAt,
        publicKey: ctx.newKey('user'),
      }),
    ];
  },
});

/** Loads a NATS user with its account, so visibility follows the account's. */
function loadNatsUser(reader: DomainReader, natsUserId: string, actor: Actor) {
  const natsUser = reader.natsUser(natsUserId);
  return {
    natsUser,
    viewer: viewerOf(reader, actor),
    view: loadAccount(reader, natsUser?.accountId ?? ''),
  };
}

type LoadedNatsUser = ReturnType<typeof loadNatsUser>;

/** The NATS user, or not_found when it is missing or its account is hidden from the actor. */
function visibleNatsUser(state: LoadedNatsUser, natsUserId: string): NatsUserState {
  if (!state.natsUser)
    throw new TowerError('not_found', `No NATS user with id "${natsUserId}".`, {
      field: 'natsUserId',
    });
  try {
    visibleAccount(state.viewer, state.view, state.natsUser.accountId);
  } catch {
    throw new TowerError('not_found', `No NATS user with id "${natsUserId}".`, {
      field: 'natsUserId',
    });
  }
  return state.natsUser;
}

export const UpdateNatsUser = defineCommand({
  type: 'UpdateNatsUser',
  schema: z
    .object({
      natsUserId: idSchema,
      name: nameSchema.optional(),
      description: descriptionUpdateSchema,
      permissions: permissionsSchema.optional(),
      limits: natsUserLimitsSchema.optional(),
      bearer: z.boolean({ error: 'must be true or false' }).optional(),
      expiresAt: expirySchema.optional(),
      expectedVersion: expectedVersionSchema,
    })
    .strict(),
  target: natsUserTarget,
  load: (reader, command, actor) => {
    const loaded = loadNatsUser(reader, command.natsUserId, actor);
    const sameName =
      command.name && loaded.natsUser
        ? reader.natsUserByName(loaded.natsUser.accountId, command.name)
        : undefined;
    return { ...loaded, sameName };
  },
  authorize: (_actor, state, command) => {
    visibleNatsUser(state, command.natsUserId);
  },
  decide: (state, command, ctx) => {
    const natsUser = present(state.natsUser, 'NATS user', command.natsUserId);
    const account = present(state.view.account, 'account', natsUser.accountId);
    if (command.name !== undefined)
      assertNameFree(state.sameName, 'A NATS user', command.name, natsUser.id, 'in this account');
    if (command.limits) assertWithinAccount(command.limits, account.effectiveLimits);
    assertFuture(command.expiresAt, ctx.now);
    const { natsUserId: _id, expectedVersion: _version, ...changes } = command;
    const changed = Object.fromEntries(
      Object.entries(changes).filter(
        ([key, value]) =>
          value !== undefined && !isDeepStrictEqual(value, natsUser[key as keyof NatsUserState]),
      ),
    );
    if (Object.keys(changed).length === 0) return [];
    return [
      event('NatsUserUpdated', {
        natsUserId: natsUser.id,
        accountId: natsUser.accountId,
        ...changed,
      }),
    ];
  },
});

export const RotateNatsUserCredentials = defineCommand({
  type: 'RotateNatsUserCredentials',
  schema: z.object({ natsUserId: idSchema, expectedVersion: expectedVersionSchema }).strict(),
  target: natsUserTarget,
  load: (reader, command, actor) => loadNatsUser(reader, command.natsUserId, actor),
  authorize: (_actor, state, command) => {
    visibleNatsUser(state, command.natsUserId);
  },
  decide: (state, command, ctx) => {
    const natsUser = present(state.natsUser, 'NATS user', command.natsUserId);
    return [
      event('NatsUserCredentialsRotated', {
        natsUserId: natsUser.id,
        accountId: natsUser.accountId,
        previousPublicKey: natsUser.publicKey,
        publicKey: ctx.newKey('user'),
      }),
    ];
  },
  // The old key is revoked; its seed opens nothing any more, so it goes.
  secrets: (_command, events) => forgetSeeds(events, 'previousPublicKey'),
});

export const DeleteNatsUser = defineCommand({
  type: 'DeleteNatsUser',
  schema: z.object({ natsUserId: idSchema, expectedVersion: expectedVersionSchema }).strict(),
  target: natsUserTarget,
  load: (reader, command, actor) => loadNatsUser(reader, command.natsUserId, actor),
  authorize: (_actor, state, command) => {
    visibleNatsUser(state, command.natsUserId);
  },
  decide: (state, command) => {
    const natsUser = present(state.natsUser, 'NATS user', command.natsUserId);
    return [
      event('NatsUserDeleted', {
        natsUserId: natsUser.id,
        accountId: natsUser.accountId,
        publicKey: natsUser.publicKey,
      }),
    ];
  },
  secrets: (_command, events) => forgetSeeds(events, 'publicKey'),
});

/** Keystore removals for the user keys that events revoke. */
function forgetSeeds(events: TowerEvent[], field: 'publicKey' | 'previousPublicKey') {
  return events.map((e) => ({
    id: secretEntry.seed((e.data as Record<typeof field, string>)[field]),
    value: null,
  }));
}
