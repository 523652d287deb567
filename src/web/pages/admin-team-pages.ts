import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TowerError } from '../../errors/index.ts';
import type { TeamView } from '../../projections/queries/index.ts';
import {
  execute,
  listQuery,
  nextPageHref,
  requireAdminPage,
  submitForm,
  viewerFor,
  type FieldErrors,
} from './form-actions.ts';
import { formOf, text } from './form-input.ts';
import { CACHED_PAGE, renderPage } from './render.ts';

type WithId = { Params: { id: string } };

function renderTeams(
  request: FastifyRequest,
  reply: FastifyReply,
  values = { name: '' },
  errors: FieldErrors = {},
) {
  requireAdminPage(request);
  const { search, cursor } = listQuery(request);
  const page = request.server.web.queries.teams.list(viewerFor(request), {
    search,
    cursor,
    limit: 50,
  });
  return renderPage(request, reply, 'admin/teams', {
    title: 'Teams',
    section: 'admin',
    teams: page.items,
    search,
    nextHref: nextPageHref('/admin/teams', search, page.nextCursor),
    values,
    errors,
  });
}

function renderTeam(
  request: FastifyRequest,
  reply: FastifyReply,
  team: TeamView,
  state: { values?: Record<string, string>; errors?: FieldErrors } = {},
) {
  const { queries } = request.server.web;
  const viewer = viewerFor(request);
  const members = team.members.map((id) => queries.towerUsers.get(viewer, id));
  const query = request.query as Record<string, unknown>;
  return renderPage(request, reply, 'admin/team', {
    title: `Team ${team.name}`,
    section: 'admin',
    team,
    members,
    values: { name: team.name, email: '', ...state.values },
    errors: state.errors ?? {},
    notice: query.done === 'saved' ? 'Saved.' : undefined,
  });
}

/** The team a route names: hidden (404) before forbidden (403), as the API answers. */
function targetTeam(request: FastifyRequest<WithId>): TeamView {
  const team = request.server.web.queries.teams.get(viewerFor(request), request.params.id);
  requireAdminPage(request);
  return team;
}

/** Admins group users into teams; teams decide who sees installations and accounts. */
export async function adminTeamPages(app: FastifyInstance): Promise<void> {
  const { tower } = app.web;

  app.get('/admin/teams', CACHED_PAGE, async (request, reply) => renderTeams(request, reply));

  app.post('/admin/teams', async (request, reply) => {
    requireAdminPage(request);
    const name = text(formOf(request), 'name');
    return submitForm(request, reply, {
      fields: ['name'],
      action: async () => `/admin/teams/${(await execute(request, 'CreateTeam', { name })).id}`,
      rerender: (errors) => renderTeams(request, reply, { name }, errors),
    });
  });

  app.get<WithId>('/admin/teams/:id', CACHED_PAGE, async (request, reply) =>
    renderTeam(request, reply, targetTeam(request)),
  );

  app.post<WithId>('/admin/teams/:id/rename', async (request, reply) => {
    const team = targetTeam(request);
    const name = text(formOf(request), 'name');
    return submitForm(request, reply, {
      fields: ['name'],
      action: async () => {
        await execute(request, 'RenameTeam', { teamId: team.id, name });
        return `/admin/teams/${team.id}?done=saved`;
      },
      rerender: (errors) => renderTeam(request, reply, team, { values: { name }, errors }),
    });
  });

  app.post<WithId>('/admin/teams/:id/members', async (request, reply) => {
    const team = targetTeam(request);
    const email = text(formOf(request), 'email').trim().toLowerCase();
    return submitForm(request, reply, {
      fields: ['email'],
      action: async () => {
        const user = tower.reader.towerUserByEmail(email);
        if (!user) {
          throw new TowerError('invalid_input', `No Tower user has the email "${email}".`, {
            field: 'email',
          });
        }
        await execute(request, 'AddTeamMember', { teamId: team.id, userId: user.id });
        return `/admin/teams/${team.id}?done=saved`;
      },
      rerender: (errors) => renderTeam(request, reply, team, { values: { email }, errors }),
    });
  });

  app.post<{ Params: { id: string; userId: string } }>(
    '/admin/teams/:id/members/:userId/remove',
    async (request, reply) => {
      const team = targetTeam(request);
      const input = { teamId: team.id, userId: request.params.userId };
      return submitForm(request, reply, {
        fields: [],
        action: async () => {
          await execute(request, 'RemoveTeamMember', input);
          return `/admin/teams/${team.id}?done=saved`;
        },
        rerender: (errors) => renderTeam(request, reply, team, { errors }),
      });
    },
  );

  app.post<WithId>('/admin/teams/:id/delete', async (request, reply) => {
    const team = targetTeam(request);
    return submitForm(request, reply, {
      fields: [],
      action: async () => {
        await execute(request, 'DeleteTeam', { teamId: team.id });
        return '/admin/teams';
      },
      rerender: (errors) => renderTeam(request, reply, team, { errors }),
    });
  });
}
