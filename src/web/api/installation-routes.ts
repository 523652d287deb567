import { requireAdmin } from '../../commands/rules.ts';
import {
  CreateInstallation,
  SetInstallationTeams,
  UpdateInstallation,
} from '../../commands/installation-commands.ts';
import { readInstallationStatus } from '../../publisher/index.ts';
import { installationConfig } from '../../signer/installation-config.ts';
import { apiRoute, type ApiContext } from './api-route.ts';
import { pageQuery, pageRequest } from './page-query.ts';

const tag = 'installations';

const view = (ctx: ApiContext<unknown, unknown>, id: string) =>
  ctx.web.queries.installations.get(ctx.viewer, id);

/** The server settings are for the admins who set up the servers (the seed's Key dialog). */
function settings(ctx: ApiContext<unknown, unknown>, file: 'operatorConf' | 'serverConf') {
  const id = ctx.params.id!;
  view(ctx, id);
  requireAdmin(ctx.auth.actor, 'read the server settings of installations');
  ctx.reply.type('text/plain; charset=utf-8');
  return installationConfig(ctx.web.tower.db, ctx.web.tower.jwts, id)[file];
}

export const installationRoutes = [
  apiRoute({
    method: 'GET',
    path: '/installations',
    cache: true,
    tag,
    summary: 'List the installations you may see, by name',
    query: pageQuery,
    handle: (ctx) => ctx.web.queries.installations.list(ctx.viewer, pageRequest(ctx.query)),
  }),
  apiRoute({
    method: 'POST',
    path: '/installations',
    tag,
    summary: 'Create an installation (admins)',
    body: CreateInstallation.schema,
    status: 201,
    handle: async (ctx) => {
      const { id } = await ctx.run('CreateInstallation', ctx.body);
      return ctx.created(`/installations/${id}`, id!, () => view(ctx, id!));
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/installations/:id',
    cache: true,
    tag,
    summary: 'Read an installation',
    handle: (ctx) => view(ctx, ctx.params.id!),
  }),
  apiRoute({
    method: 'PATCH',
    path: '/installations/:id',
    tag,
    summary: 'Change the name, URLs or description of an installation (admins)',
    body: UpdateInstallation.schema.omit({ installationId: true }),
    handle: async (ctx) => {
      await ctx.run('UpdateInstallation', { ...ctx.body, installationId: ctx.params.id });
      return view(ctx, ctx.params.id!);
    },
  }),
  apiRoute({
    method: 'DELETE',
    path: '/installations/:id',
    tag,
    summary: 'Delete an installation that has no accounts left (admins)',
    handle: async (ctx) => {
      await ctx.run('DeleteInstallation', { installationId: ctx.params.id });
    },
  }),
  apiRoute({
    method: 'PUT',
    path: '/installations/:id/teams',
    tag,
    summary: 'Set the teams that may see an installation; none means every team (admins)',
    body: SetInstallationTeams.schema.omit({ installationId: true }),
    handle: async (ctx) => {
      await ctx.run('SetInstallationTeams', { ...ctx.body, installationId: ctx.params.id });
      return view(ctx, ctx.params.id!);
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/installations/:id/operator.conf',
    tag,
    summary: 'The operator.conf every server of the installation includes (admins)',
    produces: 'text',
    handle: (ctx) => settings(ctx, 'operatorConf'),
  }),
  apiRoute({
    method: 'GET',
    path: '/installations/:id/server.conf',
    tag,
    summary: 'An example nats-server configuration for the installation (admins)',
    produces: 'text',
    handle: (ctx) => settings(ctx, 'serverConf'),
  }),
  apiRoute({
    method: 'GET',
    path: '/installations/:id/status',
    tag,
    summary: "The installation's servers and where each account you may see is published",
    handle: (ctx) => {
      const id = ctx.params.id!;
      view(ctx, id);
      const status = ctx.web.publisher?.status(id) ?? readInstallationStatus(ctx.web.tower.db, id);
      if (ctx.viewer.admin) return status;
      const visible = ctx.web.queries.accounts.visibleIds(ctx.viewer, id);
      const accounts = status.accounts.filter((account) => visible.has(account.accountId));
      return { ...status, accounts, drift: [] };
    },
  }),
];
