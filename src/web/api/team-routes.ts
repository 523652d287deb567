import { CreateTeam, RenameTeam, SetTeamMembers } from '../../commands/team-commands.ts';
import { apiRoute, type ApiContext } from './api-route.ts';
import { pageQuery, pageRequest } from './page-query.ts';

const tag = 'teams';

/** A team outside the user's own is hidden (404) before any admin check (403). */
const view = (ctx: ApiContext<unknown, unknown>, id: string) =>
  ctx.web.queries.teams.get(ctx.viewer, id);

export const teamRoutes = [
  apiRoute({
    method: 'GET',
    path: '/teams',
    cache: true,
    tag,
    summary: 'List teams, by name (a user sees the teams they belong to)',
    query: pageQuery,
    handle: (ctx) => ctx.web.queries.teams.list(ctx.viewer, pageRequest(ctx.query)),
  }),
  apiRoute({
    method: 'POST',
    path: '/teams',
    tag,
    summary: 'Create a team (admins)',
    body: CreateTeam.schema,
    status: 201,
    handle: async (ctx) => {
      const { id } = await ctx.run('CreateTeam', ctx.body);
      return ctx.created(`/teams/${id}`, id!, () => view(ctx, id!));
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/teams/:id',
    cache: true,
    tag,
    summary: 'Read a team with its members',
    handle: (ctx) => view(ctx, ctx.params.id!),
  }),
  apiRoute({
    method: 'PATCH',
    path: '/teams/:id',
    tag,
    summary: 'Rename a team (admins)',
    body: RenameTeam.schema.omit({ teamId: true }),
    handle: async (ctx) => {
      view(ctx, ctx.params.id!);
      await ctx.run('RenameTeam', { ...ctx.body, teamId: ctx.params.id });
      return view(ctx, ctx.params.id!);
    },
  }),
  apiRoute({
    method: 'DELETE',
    path: '/teams/:id',
    tag,
    summary: 'Delete a team that guards no installation or account (admins)',
    handle: async (ctx) => {
      view(ctx, ctx.params.id!);
      await ctx.run('DeleteTeam', { teamId: ctx.params.id });
    },
  }),
  apiRoute({
    method: 'PUT',
    path: '/teams/:id/members',
    tag,
    summary: "Set a team's members to exactly these Tower users (admins)",
    body: SetTeamMembers.schema.omit({ teamId: true }),
    handle: async (ctx) => {
      view(ctx, ctx.params.id!);
      await ctx.run('SetTeamMembers', { ...ctx.body, teamId: ctx.params.id });
      return view(ctx, ctx.params.id!);
    },
  }),
];
