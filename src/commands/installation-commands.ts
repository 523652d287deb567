import { z } from 'zod';
import { TowerError } from '../errors/index.ts';
import { event } from '../events/index.ts';
import { defineCommand } from './define-command.ts';
import type { DomainReader } from './domain-reader.ts';
import {
  assertNameFree,
  missingTeam,
  descriptionSchema,
  descriptionUpdateSchema,
  expectedVersionSchema,
  idListSchema,
  idSchema,
  nameSchema,
  notFound,
  present,
  requireAdmin,
} from './rules.ts';
import { viewerOf, visibleInstallation } from './visibility-rules.ts';

const URL_SCHEMES = ['nats:', 'tls:', 'ws:', 'wss:'];

/** A client URL of a NATS server: nats://, tls://, ws:// or wss://, with a host. */
const natsUrlSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .max(500, { error: 'must be at most 500 characters' })
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a URL such as nats://nats-1.example.com:4222',
      });
      return;
    }
    if (!URL_SCHEMES.includes(url.protocol) || !url.hostname) {
      ctx.addIssue({
        code: 'custom',
        message: 'must use nats://, tls://, ws:// or wss:// and name a host',
      });
    } else if (url.username || url.password) {
      ctx.addIssue({ code: 'custom', message: 'must not carry a user name or password' });
    }
  });

const urlsSchema = z
  .array(natsUrlSchema)
  .min(1, { error: 'must list at least one URL' })
  .max(50, { error: 'must list at most 50 URLs' })
  .transform((urls) => [...new Set(urls)]);

const installationTarget = (command: { installationId: string }) => ({
  streamType: 'installation' as const,
  streamId: command.installationId,
});

export const CreateInstallation = defineCommand({
  type: 'CreateInstallation',
  schema: z
    .object({
      name: nameSchema,
      urls: urlsSchema,
      description: descriptionSchema,
      teams: idListSchema.default([]),
    })
    .strict(),
  load: (reader, command) => ({
    sameName: reader.installationByName(command.name),
    missingTeam: missingTeam(reader, command.teams),
  }),
  authorize: (actor) => requireAdmin(actor, 'create installations'),
  decide: (state, command, ctx) => {
    assertNameFree(state.sameName, 'An installation', command.name);
    if (state.missingTeam) throw notFound('team', state.missingTeam, 'teams');
    return [
      event('InstallationCreated', {
        installationId: ctx.newId(),
        name: command.name,
        urls: command.urls,
        description: command.description,
        teams: command.teams,
        keys: {
          operatorPublicKey: ctx.newKey('operator'),
          operatorSigningKey: ctx.newKey('operator'),
          systemAccountPublicKey: ctx.newKey('account'),
          systemAccountSigningKey: ctx.newKey('account'),
          systemUserPublicKey: ctx.newKey('user'),
        },
      }),
    ];
  },
});

function loadInstallation(
  reader: DomainReader,
  installationId: string,
  actor: Parameters<typeof viewerOf>[1],
) {
  return { viewer: viewerOf(reader, actor), installation: reader.installation(installationId) };
}

export const UpdateInstallation = defineCommand({
  type: 'UpdateInstallation',
  schema: z
    .object({
      installationId: idSchema,
      name: nameSchema.optional(),
      urls: urlsSchema.optional(),
      description: descriptionUpdateSchema,
      expectedVersion: expectedVersionSchema,
    })
    .strict(),
  target: installationTarget,
  load: (reader, command, actor) => ({
    ...loadInstallation(reader, command.installationId, actor),
    sameName: command.name ? reader.installationByName(command.name) : undefined,
  }),
  authorize: (actor, state, command) => {
    visibleInstallation(state.viewer, state.installation, command.installationId, 'installationId');
    requireAdmin(actor, 'change installations');
  },
  decide: (state, command) => {
    const installation = present(state.installation, 'installation', command.installationId);
    if (command.name !== undefined)
      assertNameFree(state.sameName, 'An installation', command.name, installation.id);
    const name = command.name !== installation.name ? command.name : undefined;
    const description =
      command.description !== installation.description ? command.description : undefined;
    const urls =
      command.urls && JSON.stringify(command.urls) !== JSON.stringify(installation.urls)
        ? command.urls
        : undefined;
    if (name === undefined && description === undefined && urls === undefined) return [];
    return [
      event('InstallationUpdated', { installationId: installation.id, name, urls, description }),
    ];
  },
});

export const SetInstallationTeams = defineCommand({
  type: 'SetInstallationTeams',
  schema: z
    .object({
      installationId: idSchema,
      teams: idListSchema,
      expectedVersion: expectedVersionSchema,
    })
    .strict(),
  target: installationTarget,
  load: (reader, command, actor) => ({
    ...loadInstallation(reader, command.installationId, actor),
    missingTeam: missingTeam(reader, command.teams),
  }),
  authorize: (actor, state, command) => {
    visibleInstallation(state.viewer, state.installation, command.installationId, 'installationId');
    requireAdmin(actor, 'assign teams to installations');
  },
  decide: (state, command) => {
    const installation = present(state.installation, 'installation', command.installationId);
    if (state.missingTeam) throw notFound('team', state.missingTeam, 'teams');
    const same =
      installation.teams.length === command.teams.length &&
      command.teams.every((team) => installation.teams.includes(team));
    if (same) return [];
    return [
      event('InstallationTeamsSet', { installationId: installation.id, teams: command.teams }),
    ];
  },
});

export const DeleteInstallation = defineCommand({
  type: 'DeleteInstallation',
  schema: z.object({ installationId: idSchema, expectedVersion: expectedVersionSchema }).strict(),
  target: installationTarget,
  load: (reader, command, actor) => ({
    ...loadInstallation(reader, command.installationId, actor),
    accounts: reader.accountCount(command.installationId),
  }),
  authorize: (actor, state, command) => {
    visibleInstallation(state.viewer, state.installation, command.installationId, 'installationId');
    requireAdmin(actor, 'delete installations');
  },
  decide: (state, command) => {
    const installation = present(state.installation, 'installation', command.installationId);
    if (state.accounts > 0) {
      throw new TowerError(
        'in_use',
        `Installation "${installation.name}" still has ${state.accounts} account(s); delete them first.`,
        { field: 'installationId', context: { accounts: state.accounts } },
      );
    }
    return [event('InstallationDeleted', { installationId: installation.id })];
  },
});
