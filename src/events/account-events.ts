import { z } from 'zod';
import { partialLimitsSchema } from '../domain/limits.ts';
import { defineEvent } from './define-event.ts';

const byAccount = (data: { accountId: string }) => data.accountId;

export const AccountCreated = defineEvent({
  type: 'AccountCreated',
  streamType: 'account',
  schema: z.object({
    accountId: z.string(),
    installationId: z.string(),
    name: z.string(),
    description: z.string(),
    teams: z.array(z.string()),
    /** The profile the account follows; null means explicit limits over unlimited. */
    limitProfileId: z.string().nullable(),
    /** Explicit limits laid over the profile's. */
    limits: partialLimitsSchema,
    publicKey: z.string(),
    signingKey: z.string(),
  }),
  streamIdOf: byAccount,
});

export const AccountUpdated = defineEvent({
  type: 'AccountUpdated',
  streamType: 'account',
  schema: z.object({
    accountId: z.string(),
    name: z.string().optional(),
    description: z.string().optional(),
  }),
  streamIdOf: byAccount,
});

export const AccountTeamsSet = defineEvent({
  type: 'AccountTeamsSet',
  streamType: 'account',
  schema: z.object({ accountId: z.string(), teams: z.array(z.string()) }),
  streamIdOf: byAccount,
});

export const AccountLimitsSet = defineEvent({
  type: 'AccountLimitsSet',
  streamType: 'account',
  schema: z.object({
    accountId: z.string(),
    limitProfileId: z.string().nullable(),
    limits: partialLimitsSchema,
  }),
  streamIdOf: byAccount,
});

export const AccountDeleted = defineEvent({
  type: 'AccountDeleted',
  streamType: 'account',
  schema: z.object({ accountId: z.string(), installationId: z.string(), publicKey: z.string() }),
  streamIdOf: byAccount,
});
