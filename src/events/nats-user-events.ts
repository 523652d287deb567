import { z } from 'zod';
import { natsUserLimitsSchema } from '../domain/limits.ts';
import { permissionsSchema } from '../domain/subjects.ts';
import { defineEvent } from './define-event.ts';

const byNatsUser = (data: { natsUserId: string }) => data.natsUserId;

export const NatsUserCreated = defineEvent({
  type: 'NatsUserCreated',
  streamType: 'nats-user',
  schema: z.object({
    natsUserId: z.string(),
    accountId: z.string(),
    name: z.string(),
    description: z.string(),
    permissions: permissionsSchema,
    limits: natsUserLimitsSchema,
    bearer: z.boolean(),
    expiresAt: z.string().nullable(),
    publicKey: z.string(),
  }),
  streamIdOf: byNatsUser,
});

export const NatsUserUpdated = defineEvent({
  type: 'NatsUserUpdated',
  streamType: 'nats-user',
  schema: z.object({
    natsUserId: z.string(),
    accountId: z.string(),
    name: z.string().optional(),
    description: z.string().optional(),
    permissions: permissionsSchema.optional(),
    limits: natsUserLimitsSchema.optional(),
    bearer: z.boolean().optional(),
    expiresAt: z.string().nullable().optional(),
  }),
  streamIdOf: byNatsUser,
});

/** The old key is revoked in the account; the new one gets fresh credentials. */
export const NatsUserCredentialsRotated = defineEvent({
  type: 'NatsUserCredentialsRotated',
  streamType: 'nats-user',
  schema: z.object({
    natsUserId: z.string(),
    accountId: z.string(),
    previousPublicKey: z.string(),
    publicKey: z.string(),
  }),
  streamIdOf: byNatsUser,
});

/** Deleting revokes the user's key in its account. */
export const NatsUserDeleted = defineEvent({
  type: 'NatsUserDeleted',
  streamType: 'nats-user',
  schema: z.object({ natsUserId: z.string(), accountId: z.string(), publicKey: z.string() }),
  streamIdOf: byNatsUser,
});
