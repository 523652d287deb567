import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { partialLimitsSchema } from '../domain/limits.ts';
import { event } from '../events/index.ts';
import { defineCommand } from './define-command.ts';
import type { DomainReader, LimitProfileState } from './domain-reader.ts';
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
import { loadAccount, viewerOf, visibleAccount, visibleInstallation } from './visibility-rules.ts';

const accountTarget = (command: { accountId: string }) => ({
  streamType: 'account' as const,
  streamId: command.accountId,
});

/** The profile a command names, or the default one when it names none. */
function resolveProfile(reader: DomainReader, profileId: string | null | undefined) {
  if (profileId === null) return { profile: undefined, missing: false };
  if (profileId === undefined) return { profile: reader.defaultLimitProfile(), missing: false };
  const profile = reader.limitProfile(profileId);
  return { profile, missing: !profile };
}

function profileIdOf(
  resolved: { profile: LimitProfileState | undefined; missing: boolean },
  requested: string | null | undefined,
) {
  if (resolved.missing) throw notFound('limit profile', String(requested), 'limitProfileId');
  return resolved.profile?.id ?? null;
}

export const CreateAccount = defineCommand({
  type: 'CreateAccount',
  schema: z
    .object({
      installationId: idSchema,
      name: nameSchema,
      description: descriptionSchema,
      teams: idListSchema.default([]),
      /** A profile id; omitted means the default profile, null means none. */
      limitProfileId: idSchema.nullable().optional(),
      limits: partialLimitsSchema.default({}),
    })
    .strict(),
  load: (reader, command, actor) => ({
    viewer: viewerOf(reader, actor),
    installation: reader.installation(command.installationId),
    sameName: reader.accountByName(command.installationId, command.name),
    missingTeam: missingTeam(reader, command.teams),
    profile: resolveProfile(reader, command.limitProfileId),
  }),
  authorize: (actor, state, command) => {
    visibleInstallation(state.viewer, state.installation, command.installationId, 'installationId');
    requireAdmin(actor, 'create accounts');
  },
  decide: (state, command, ctx) => {
    const installation = present(state.installation, 'installation', command.installationId);
    assertNameFree(state.sameName, 'An account', command.name, undefined, 'in this installation');
    if (state.missingTeam) throw notFound('team', state.missingTeam, 'teams');
    const limitProfileId = profileIdOf(state.profile, command.limitProfileId);
    return [
      event('AccountCreated', {
        accountId: ctx.newId(),
        installationId: installation.id,
        name: command.name,
        description: command.description,
        teams: command.teams,
        limitProfileId,
        limits: command.limits,
        publicKey: ctx.newKey('account'),
        signingKey: ctx.newKey('account'),
      }),
    ];
  },
});

function loadForAdminChange(
  reader: DomainReader,
  accountId: string,
  actor: Parameters<typeof viewerOf>[1],
) {
  return { viewer: viewerOf(reader, actor), view: loadAccount(reader, accountId) };
}

export const UpdateAccount = defineCommand({
  type: 'UpdateAccount',
  schema: z
    .object({
      accountId: idSchema,
      name: nameSchema.optional(),
      description: descriptionUpdateSchema,
      expectedVersion: expectedVersionSchema,
    })
    .strict(),
  target: accountTarget,
  load: (reader, command, actor) => {
    const base = loadForAdminChange(reader, command.accountId, actor);
    const installationId = base.view.account?.installationId ?? '';
    const sameName = command.name ? reader.accountByName(installationId, command.name) : undefined;
    return { ...base, sameName };
  },
  authorize: (actor, state, command) => {
    visibleAccount(state.viewer, state.view, command.accountId, 'accountId');
    requireAdmin(actor, 'change accounts');
  },
  decide: (state, command) => {
    const account = present(state.view.account, 'account', command.accountId);
    if (command.name !== undefined)
      assertNameFree(
        state.sameName,
        'An account',
        command.name,
        account.id,
        'in this installation',
      );
    const name =
      command.name !== undefined && command.name !== account.name ? command.name : undefined;
    const description =
      command.description !== undefined && command.description !== account.description
        ? command.description
        : undefined;
    if (name === undefined && description === undefined) return [];
    return [event('AccountUpdated', { accountId: account.id, name, description })];
  },
});

export const SetAccountTeams = defineCommand({
  type: 'SetAccountTeams',
  schema: z
    .object({ accountId: idSchema, teams: idListSchema, expectedVersion: expectedVersionSchema })
    .strict(),
  target: accountTarget,
  load: (reader, command, actor) => ({
    ...loadForAdminChange(reader, command.accountId, actor),
    missingTeam: missingTeam(reader, command.teams),
  }),
  authorize: (actor, state, command) => {
    visibleAccount(state.viewer, state.view, command.accountId, 'accountId');
    requireAdmin(actor, 'assign teams to accounts');
  },
  decide: (state, command) => {
    const account = present(state.view.account, 'account', command.accountId);
    if (state.missingTeam) throw notFound('team', state.missingTeam, 'teams');
    const same =
      account.teams.length === command.teams.length &&
      command.teams.every((team) => account.teams.includes(team));
    if (same) return [];
    return [event('AccountTeamsSet', { accountId: account.id, teams: command.teams })];
  },
});

export const SetAccountLimits = defineCommand({
  type: 'SetAccountLimits',
  schema: z
    .object({
      accountId: idSchema,
      limitProfileId: idSchema.nullable().optional(),
      limits: partialLimitsSchema.default({}),
      expectedVersion: expectedVersionSchema,
    })
    .strict(),
  target: accountTarget,
  load: (reader, command, actor) => {
    const base = loadForAdminChange(reader, command.accountId, actor);
    // Left out, the profile stays what it is; null detaches the account from any profile.
    const requested =
      command.limitProfileId === undefined
        ? (base.view.account?.limitProfileId ?? null)
        : command.limitProfileId;
    return { ...base, requested, profile: resolveProfile(reader, requested) };
  },
  authorize: (actor, state, command) => {
    visibleAccount(state.viewer, state.view, command.accountId, 'accountId');
    requireAdmin(actor, 'change account limits');
  },
  decide: (state, command) => {
    const account = present(state.view.account, 'account', command.accountId);
    const limitProfileId = profileIdOf(state.profile, state.requested);
    const unchanged =
      limitProfileId === account.limitProfileId &&
      isDeepStrictEqual(command.limits, account.explicitLimits);
    if (unchanged) return [];
    return [
      event('AccountLimitsSet', { accountId: account.id, limitProfileId, limits: command.limits }),
    ];
  },
});

export const DeleteAccount = defineCommand({
  type: 'DeleteAccount',
  schema: z.object({ accountId: idSchema, expectedVersion: expectedVersionSchema }).strict(),
  target: accountTarget,
  load: (reader, command, actor) => loadForAdminChange(reader, command.accountId, actor),
  authorize: (actor, state, command) => {
    visibleAccount(state.viewer, state.view, command.accountId, 'accountId');
    requireAdmin(actor, 'delete accounts');
  },
  decide: (state, command) => {
    const account = present(state.view.account, 'account', command.accountId);
    return [
      event('AccountDeleted', {
        accountId: account.id,
        installationId: account.installationId,
        publicKey: account.publicKey,
      }),
    ];
  },
});
