import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  execute,
  formErrors,
  listQuery,
  nextPageHref,
  redirectAfterPost,
  requireAdminPage,
  submitForm,
  viewerFor,
  type FieldErrors,
} from './form-actions.ts';
import { toProblem } from '../problem.ts';
import { formOf, text, type Form } from './form-input.ts';
import { CACHED_PAGE, renderPage } from './render.ts';

type WithId = { Params: { id: string } };

const CREATE_FIELDS = ['email', 'displayName', 'role', 'password'] as const;

/** A form of one user's row that failed, to open again with its error. */
interface RowFailure {
  userId: string;
  action: 'password' | 'role';
  errors: FieldErrors;
}

interface ListState {
  values?: Record<string, string>;
  errors?: FieldErrors;
  failure?: RowFailure;
  notice?: string;
}

const NOTICES: Record<string, string> = {
  created: 'User created.',
  disabled: 'User disabled; their sessions ended.',
  enabled: 'User enabled.',
  role: 'Role changed.',
  password: 'Password reset; their sessions ended.',
};

function renderUsers(request: FastifyRequest, reply: FastifyReply, state: ListState = {}) {
  requireAdminPage(request);
  const { search, cursor } = listQuery(request);
  const { queries } = request.server.web;
  const viewer = viewerFor(request);
  const page = queries.towerUsers.list(viewer, { search, cursor, limit: 50 });
  const teams = new Map(queries.teams.list(viewer, { limit: 100 }).items.map((t) => [t.id, t]));
  const query = request.query as Record<string, unknown>;
  return renderPage(request, reply, 'admin/users', {
    title: 'Users',
    section: 'admin',
    users: page.items.map((user) => ({
      ...user,
      teamNames: user.teams.map((id) => teams.get(id)?.name ?? id),
    })),
    search,
    nextHref: nextPageHref('/admin/users', search, page.nextCursor),
    values: state.values ?? { email: '', displayName: '', role: 'user' },
    errors: state.errors ?? {},
    failure: state.failure,
    notice: state.notice ?? (typeof query.done === 'string' ? NOTICES[query.done] : undefined),
    selfId: request.auth?.actor.userId,
  });
}

/** The user a row action names: hidden (404) before forbidden (403), as the API answers. */
function targetUser(request: FastifyRequest<WithId>) {
  const user = request.server.web.queries.towerUsers.get(viewerFor(request), request.params.id);
  requireAdminPage(request);
  return user;
}

/** Runs a row's command; a failure the admin can fix opens the row's form again. */
async function rowAction(
  request: FastifyRequest<WithId>,
  reply: FastifyReply,
  action: RowFailure['action'] | 'disabled' | 'enabled',
  run: (userId: string, form: Form) => Promise<unknown>,
) {
  const user = targetUser(request);
  try {
    await run(user.id, formOf(request));
  } catch (error) {
    const errors = formErrors(error, ['password', 'role']);
    if (!errors) throw error;
    reply.code(toProblem(error).status);
    const failure =
      action === 'password' || action === 'role' ? { userId: user.id, action, errors } : undefined;
    return renderUsers(request, reply, { failure, errors: failure ? {} : errors });
  }
  return redirectAfterPost(request, reply, `/admin/users?done=${action}`);
}

/**
 * Tower users, for admins: create admins and users, disable and enable them, reset their
 * passwords and change their roles. A disabled user or a reset password ends their sessions,
 * as the API does.
 */
export async function adminUserPages(app: FastifyInstance): Promise<void> {
  const { sessions } = app.web;

  app.get('/admin/users', CACHED_PAGE, async (request, reply) => renderUsers(request, reply));

  app.post('/admin/users', async (request, reply) => {
    requireAdminPage(request);
    const form = formOf(request);
    const values = Object.fromEntries(CREATE_FIELDS.map((name) => [name, text(form, name)]));
    return submitForm(request, reply, {
      fields: CREATE_FIELDS,
      action: async () => {
        await execute(request, 'CreateTowerUser', values);
        return '/admin/users?done=created';
      },
      rerender: (errors) =>
        renderUsers(request, reply, { values: { ...values, password: '' }, errors }),
    });
  });

  app.post<WithId>('/admin/users/:id/disable', async (request, reply) =>
    rowAction(request, reply, 'disabled', async (userId) => {
      await execute(request, 'DisableTowerUser', { userId });
      sessions.endAllOf(userId);
    }),
  );

  app.post<WithId>('/admin/users/:id/enable', async (request, reply) =>
    rowAction(request, reply, 'enabled', (userId) =>
      execute(request, 'EnableTowerUser', { userId }),
    ),
  );

  app.post<WithId>('/admin/users/:id/role', async (request, reply) =>
    rowAction(request, reply, 'role', (userId, form) =>
      execute(request, 'ChangeTowerUserRole', { userId, role: text(form, 'role') }),
    ),
  );

  app.post<WithId>('/admin/users/:id/password', async (request, reply) =>
    rowAction(request, reply, 'password', async (userId, form) => {
      await execute(request, 'ResetTowerUserPassword', {
        userId,
        password: text(form, 'password'),
      });
      const own = userId === request.auth?.actor.userId ? request.auth.session?.idHash : undefined;
      sessions.endAllOf(userId, own);
    }),
  );
}
