import { z } from 'zod';
import {
  CreateAccount,
  SetAccountLimits,
  SetAccountTeams,
  UpdateAccount,
} from '../../commands/account-commands.ts';
import { partialLimitsSchema } from '../../domain/limits.ts';
import { apiRoute, type ApiContext, type CommandStep } from './api-route.ts';
import { pageQuery, pageRequest } from './page-query.ts';

const tag = 'accounts';

const view = (ctx: ApiContext<unknown, unknown>, id: string) =>
  ctx.web.queries.accounts.get(ctx.viewer, id);

/** One PATCH for every aspect of an account; each aspect is its own command. */
const accountPatch = UpdateAccount.schema
  .omit({ accountId: true })
  .extend({
    teams: SetAccountTeams.schema.shape.teams.optional(),
    limitProfileId: SetAccountLimits.schema.shape.limitProfileId,
    /** Replaces the account's own limits; left out, they stay. */
    limits: partialLimitsSchema.optional(),
  })
  .strict();

type AccountPatch = z.output<typeof accountPatch>;

function patchSteps(accountId: string, patch: AccountPatch, currentLimits: unknown): CommandStep[] {
  const steps: CommandStep[] = [];
  if (patch.name !== undefined || patch.description !== undefined) {
    const input = { accountId, name: patch.name, description: patch.description };
    steps.push({ type: 'UpdateAccount', input });
  }
  if (patch.teams !== undefined) {
    steps.push({ type: 'SetAccountTeams', input: { accountId, teams: patch.teams } });
  }
  if (patch.limits !== undefined || patch.limitProfileId !== undefined) {
    const limits = patch.limits ?? currentLimits;
    const input = { accountId, limits, limitProfileId: patch.limitProfileId };
    steps.push({ type: 'SetAccountLimits', input });
  }
  return steps;
}

export const accountRoutes = [
  apiRoute({
    method: 'GET',
    path: '/installations/:id/accounts',
    cache: true,
    tag,
    summary: 'List the accounts of an installation that you may see, by name',
    query: pageQuery,
    handle: (ctx) =>
      ctx.web.queries.accounts.list(ctx.viewer, ctx.params.id!, pageRequest(ctx.query)),
  }),
  apiRoute({
    method: 'POST',
    path: '/installations/:id/accounts',
    tag,
    summary: 'Create an account with a limit profile or limits of its own (admins)',
    body: CreateAccount.schema.omit({ installationId: true }),
    status: 201,
    handle: async (ctx) => {
      const { id } = await ctx.run('CreateAccount', { ...ctx.body, installationId: ctx.params.id });
      return ctx.created(`/accounts/${id}`, id!, () => view(ctx, id!));
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/accounts/:id',
    cache: true,
    tag,
    summary: 'Read an account with its limits and publication state',
    handle: (ctx) => view(ctx, ctx.params.id!),
  }),
  apiRoute({
    method: 'PATCH',
    path: '/accounts/:id',
    tag,
    summary: 'Change the name, description, teams, limit profile or limits of an account (admins)',
    body: accountPatch,
    handle: async (ctx) => {
      const current = view(ctx, ctx.params.id!);
      await ctx.runSteps(patchSteps(current.id, ctx.body, current.limits));
      return view(ctx, current.id);
    },
  }),
  apiRoute({
    method: 'DELETE',
    path: '/accounts/:id',
    tag,
    summary: 'Delete an account and its NATS users (admins)',
    handle: async (ctx) => {
      await ctx.run('DeleteAccount', { accountId: ctx.params.id });
    },
  }),
];
