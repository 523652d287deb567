import { z } from 'zod';
import { defineEvent } from './define-event.ts';

export const towerRoleSchema = z.enum(['admin', 'user'], { error: 'must be "admin" or "user"' });
export type TowerRole = z.infer<typeof towerRoleSchema>;

const byUser = (data: { userId: string }) => data.userId;

export const TowerUserCreated = defineEvent({
  type: 'TowerUserCreated',
  schemaVersion: 2,
  streamType: 'tower-user',
  schema: z.object({
    userId: z.string(),
    email: z.string(),
    displayName: z.string(),
    role: towerRoleSchema,
  }),
  streamIdOf: byUser,
  upcasters: {
    // Version 1 stored a single `name` and an `admin` flag; version 2 has a display name and a
    // role, so that roles other than admin and user can follow without another flag.
    1: ({ admin, name, ...rest }) => ({
      ...rest,
      displayName: name,
      role: admin ? 'admin' : 'user',
    }),
  },
});

export const TowerUserDisabled = defineEvent({
  type: 'TowerUserDisabled',
  streamType: 'tower-user',
  schema: z.object({ userId: z.string() }),
  streamIdOf: byUser,
});

export const TowerUserEnabled = defineEvent({
  type: 'TowerUserEnabled',
  streamType: 'tower-user',
  schema: z.object({ userId: z.string() }),
  streamIdOf: byUser,
});

/** The password itself lives in the keystore; the log only records that it changed and how. */
export const TowerUserPasswordChanged = defineEvent({
  type: 'TowerUserPasswordChanged',
  streamType: 'tower-user',
  schema: z.object({ userId: z.string(), reset: z.boolean() }),
  streamIdOf: byUser,
});

export const TowerUserRoleChanged = defineEvent({
  type: 'TowerUserRoleChanged',
  streamType: 'tower-user',
  schema: z.object({ userId: z.string(), role: towerRoleSchema }),
  streamIdOf: byUser,
});

export const TowerUserRenamed = defineEvent({
  type: 'TowerUserRenamed',
  streamType: 'tower-user',
  schema: z.object({ userId: z.string(), displayName: z.string() }),
  streamIdOf: byUser,
});
