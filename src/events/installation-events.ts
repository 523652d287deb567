import { z } from 'zod';
import { defineEvent } from './define-event.ts';

const byInstallation = (data: { installationId: string }) => data.installationId;

/** Public keys only: the seeds are in the keystore. */
export const installationKeysSchema = z.object({
  operatorPublicKey: z.string(),
  operatorSigningKey: z.string(),
  systemAccountPublicKey: z.string(),
  systemAccountSigningKey: z.string(),
  systemUserPublicKey: z.string(),
});

export const InstallationCreated = defineEvent({
  type: 'InstallationCreated',
  streamType: 'installation',
  schema: z.object({
    installationId: z.string(),
    name: z.string(),
    urls: z.array(z.string()),
    description: z.string(),
    teams: z.array(z.string()),
    keys: installationKeysSchema,
  }),
  streamIdOf: byInstallation,
});

export const InstallationUpdated = defineEvent({
  type: 'InstallationUpdated',
  streamType: 'installation',
  schema: z.object({
    installationId: z.string(),
    name: z.string().optional(),
    urls: z.array(z.string()).optional(),
    description: z.string().optional(),
  }),
  streamIdOf: byInstallation,
});

export const InstallationTeamsSet = defineEvent({
  type: 'InstallationTeamsSet',
  streamType: 'installation',
  schema: z.object({ installationId: z.string(), teams: z.array(z.string()) }),
  streamIdOf: byInstallation,
});

export const InstallationDeleted = defineEvent({
  type: 'InstallationDeleted',
  streamType: 'installation',
  schema: z.object({ installationId: z.string() }),
  streamIdOf: byInstallation,
});
