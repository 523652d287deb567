import { z } from 'zod';
import { accountLimitsSchema } from '../domain/limits.ts';
import { defineEvent } from './define-event.ts';

const byProfile = (data: { profileId: string }) => data.profileId;

export const LimitProfileCreated = defineEvent({
  type: 'LimitProfileCreated',
  streamType: 'limit-profile',
  schema: z.object({
    profileId: z.string(),
    name: z.string(),
    description: z.string(),
    limits: accountLimitsSchema,
  }),
  streamIdOf: byProfile,
});

export const LimitProfileUpdated = defineEvent({
  type: 'LimitProfileUpdated',
  streamType: 'limit-profile',
  schema: z.object({
    profileId: z.string(),
    name: z.string().optional(),
    description: z.string().optional(),
    limits: accountLimitsSchema.optional(),
  }),
  streamIdOf: byProfile,
});

export const LimitProfileDeleted = defineEvent({
  type: 'LimitProfileDeleted',
  streamType: 'limit-profile',
  schema: z.object({ profileId: z.string() }),
  streamIdOf: byProfile,
});

/** Exactly one profile is the default; marking one unmarks the previous. */
export const LimitProfileMarkedDefault = defineEvent({
  type: 'LimitProfileMarkedDefault',
  streamType: 'limit-profile',
  schema: z.object({ profileId: z.string() }),
  streamIdOf: byProfile,
});
