import { z } from 'zod';
import { UNLIMITED, mergeLimits, partialLimitsSchema } from '../domain/limits.ts';
import { TowerError } from '../errors/index.ts';
import { event } from '../events/index.ts';
import { defineCommand } from './define-command.ts';
import type { DomainReader } from './domain-reader.ts';
import {
  assertNameFree,
  descriptionSchema,
  descriptionUpdateSchema,
  expectedVersionSchema,
  idSchema,
  nameSchema,
  present,
  requireAdmin,
} from './rules.ts';

const profileTarget = (command: { profileId: string }) => ({
  streamType: 'limit-profile' as const,
  streamId: command.profileId,
});

const loadProfile = (reader: DomainReader, command: { profileId: string }) => ({
  profile: reader.limitProfile(command.profileId),
});

export const CreateLimitProfile = defineCommand({
  type: 'CreateLimitProfile',
  schema: z
    .object({
      name: nameSchema,
      description: descriptionSchema,
      /** Limits not named are unlimited (-1). */
      limits: partialLimitsSchema.default({}),
      isDefault: z.boolean({ error: 'must be true or false' }).default(false),
    })
    .strict(),
  load: (reader, command) => ({ sameName: reader.limitProfileByName(command.name) }),
  authorize: (actor) => requireAdmin(actor, 'manage limit profiles'),
  decide: (state, command, ctx) => {
    assertNameFree(state.sameName, 'A limit profile', command.name);
    const profileId = ctx.newId();
    const created = event('LimitProfileCreated', {
      profileId,
      name: command.name,
      description: command.description,
      limits: mergeLimits(UNLIMITED, command.limits),
    });
    return command.isDefault
      ? [created, event('LimitProfileMarkedDefault', { profileId })]
      : [created];
  },
});

export const UpdateLimitProfile = defineCommand({
  type: 'UpdateLimitProfile',
  schema: z
    .object({
      profileId: idSchema,
      name: nameSchema.optional(),
      description: descriptionUpdateSchema,
      /** Named limits change; the others keep their values. */
      limits: partialLimitsSchema.optional(),
      expectedVersion: expectedVersionSchema,
    })
    .strict(),
  target: profileTarget,
  load: (reader, command) => ({
    ...loadProfile(reader, command),
    sameName: command.name ? reader.limitProfileByName(command.name) : undefined,
  }),
  authorize: (actor) => requireAdmin(actor, 'manage limit profiles'),
  decide: (state, command) => {
    const profile = present(state.profile, 'limit profile', command.profileId, 'profileId');
    if (command.name !== undefined)
      assertNameFree(state.sameName, 'A limit profile', command.name, profile.id);
    const limits = command.limits ? mergeLimits(profile.limits, command.limits) : undefined;
    const changedLimits =
      limits && JSON.stringify(limits) !== JSON.stringify(profile.limits) ? limits : undefined;
    const name = command.name !== profile.name ? command.name : undefined;
    const description =
      command.description !== profile.description ? command.description : undefined;
    if (!changedLimits && name === undefined && description === undefined) return [];
    return [
      event('LimitProfileUpdated', {
        profileId: profile.id,
        name,
        description,
        limits: changedLimits,
      }),
    ];
  },
});

export const DeleteLimitProfile = defineCommand({
  type: 'DeleteLimitProfile',
  schema: z.object({ profileId: idSchema, expectedVersion: expectedVersionSchema }).strict(),
  target: profileTarget,
  load: (reader, command) => ({
    ...loadProfile(reader, command),
    usage: reader.profileUsage(command.profileId),
  }),
  authorize: (actor) => requireAdmin(actor, 'manage limit profiles'),
  decide: (state, command) => {
    const profile = present(state.profile, 'limit profile', command.profileId, 'profileId');
    if (state.usage > 0) {
      throw new TowerError(
        'in_use',
        `Limit profile "${profile.name}" is used by ${state.usage} account(s); move them to another profile first.`,
        { field: 'profileId', context: { accounts: state.usage } },
      );
    }
    return [event('LimitProfileDeleted', { profileId: profile.id })];
  },
});

export const MarkDefaultLimitProfile = defineCommand({
  type: 'MarkDefaultLimitProfile',
  schema: z.object({ profileId: idSchema }).strict(),
  target: profileTarget,
  load: loadProfile,
  authorize: (actor) => requireAdmin(actor, 'manage limit profiles'),
  decide: (state, command) => {
    const profile = present(state.profile, 'limit profile', command.profileId, 'profileId');
    return profile.isDefault ? [] : [event('LimitProfileMarkedDefault', { profileId: profile.id })];
  },
});
