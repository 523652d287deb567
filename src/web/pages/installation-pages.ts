import { isTowerError } from '../../errors/index.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireAdmin } from '../../commands/rules.ts';
import type { InstallationView } from '../../projections/queries/index.ts';
import {
  readInstallationStatus,
  readListStatuses,
  type InstallationStatus,
  type StatusScope,
} from '../../publisher/index.ts';
import { installationConfig } from '../../signer/installation-config.ts';
import { viewerOf, type RequestAuth } from '../request-auth.ts';
import {
  afterChange,
  formErrors,
  formLines,
  formList,
  formText,
  htmxTarget,
  isHtmx,
  listRequest,
  teamNames,
  visibleTeams,
} from './page-input.ts';
import { CACHED_STATUS_PAGE, renderPage } from './render.ts';
import { fmt } from './usage-format.ts';

type Params = { Params: { id: string } };
type Body = Record<string, unknown>;

/** Which form of the installation page failed, with its errors and what was typed. */
interface FormState {
  form: 'edit' | 'teams';
  errors: Record<string, string>;
  values: Body;
}

const authOf = (request: FastifyRequest): RequestAuth => request.auth!;
const isAdmin = (request: FastifyRequest) => authOf(request).actor.role === 'admin';

/** Accounts a page lists in an installation's status: those not yet published, bounded. */
export const WAITING_ON_PAGE: StatusScope = { accounts: 'waiting', limit: 100 };

/**
 * An installation's status as the viewer may see it. Pages ask for a bounded scope (never
 * every account of a large installation); a user sees only accounts visible to them and no
 * counts or drift, which would tell of accounts they cannot see.
 */
export function visibleStatus(
  app: FastifyInstance,
  request: FastifyRequest,
  installationId: string,
  scope: StatusScope = WAITING_ON_PAGE,
): InstallationStatus {
  const admin = isAdmin(request);
  const read: StatusScope = admin ? scope : { ...scope, counts: false };
  const status =
    app.web.publisher?.status(installationId, read) ??
    readInstallationStatus(app.web.tower.db, installationId, read);
  if (admin) return status;
  // A page asks for one account only after showing it, so it is visible; a bounded list of
  // waiting accounts is checked one by one rather than by listing every visible account.
  const viewer = viewerOf(authOf(request));
  const canSee = (accountId: string) => {
    try {
      app.web.queries.accounts.requireVisible(viewer, accountId);
      return true;
    } catch (error) {
      if (isTowerError(error) && error.code === 'not_found') return false;
      throw error;
    }
  };
  // Past a handful of rows one query for every visible id beats a query per row.
  const visible =
    status.accounts.length > 10
      ? app.web.queries.accounts.visibleIds(viewer, installationId)
      : undefined;
  const accounts =
    scope.accounts === 'one'
      ? status.accounts
      : status.accounts.filter((a) => (visible ? visible.has(a.accountId) : canSee(a.accountId)));
  return { ...status, accounts, drift: [] };
}

function createValues(body: Body) {
  return {
    name: formText(body.name),
    urls: formLines(body.urls),
    description: formText(body.description),
    teams: formList(body.teams),
  };
}

/** The installations list, the add form, an installation's page and its server settings. */
export async function installationPages(app: FastifyInstance): Promise<void> {
  const viewer = (request: FastifyRequest) => viewerOf(authOf(request));

  function renderList(request: FastifyRequest, reply: FastifyReply) {
    const list = listRequest(request.query);
    const page = app.web.queries.installations.list(viewer(request), list);
    const teams = visibleTeams(app, viewer(request));
    // Counts of waiting accounts tell of accounts a user may not see: admins only.
    const statuses = readListStatuses(
      app.web.tower.db,
      page.items.map((installation) => installation.id),
      { counts: isAdmin(request) },
    );
    const rows = page.items.map((installation) => ({
      installation,
      teams: teamNames(teams, installation.teams),
      status: statuses.get(installation.id) ?? { reachable: false, waiting: 0 },
    }));
    const view = htmxTarget(request) === 'installation-list' ? 'list' : 'index';
    return renderPage(request, reply, `installations/${view}`, {
      title: 'Installations',
      section: 'installations',
      rows,
      q: list.q,
      nextCursor: page.nextCursor,
      isAdmin: isAdmin(request),
      teams,
      values: { name: '', urls: '', description: '', teams: [] },
      errors: {},
    });
  }

  function renderNew(request: FastifyRequest, reply: FastifyReply, values: Body, errors = {}) {
    const view = isHtmx(request) ? 'installations/form' : 'installations/new';
    return renderPage(request, reply, view, {
      title: 'Add installation',
      section: 'installations',
      teams: visibleTeams(app, viewer(request)),
      values: { ...values, urls: [values.urls ?? ''].flat().join('\n') },
      errors,
    });
  }

  /** The installation page; for an HTMX request aimed at the account list, only the list. */
  function renderShow(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    failed?: FormState,
  ) {
    const installation = app.web.queries.installations.get(viewer(request), id);
    const list = listRequest(request.query);
    const accounts = app.web.queries.accounts.list(viewer(request), id, list);
    if (htmxTarget(request) === 'account-list') {
      return renderPage(request, reply, 'accounts/list', {
        title: installation.name,
        installation,
        accounts,
        q: list.q,
      });
    }
    const teams = visibleTeams(app, viewer(request));
    const admin = isAdmin(request);
    return renderPage(request, reply, 'installations/show', {
      title: installation.name,
      section: 'installations',
      installation,
      isAdmin: admin,
      teams,
      teamNames: teamNames(teams, installation.teams),
      status: visibleStatus(app, request, id),
      config: admin ? installationConfig(app.web.tower.db, app.web.tower.jwts, id) : null,
      accounts,
      q: list.q,
      edit: editState(installation, failed),
      fmt,
    });
  }

  app.get('/installations', CACHED_STATUS_PAGE, async (request, reply) =>
    renderList(request, reply),
  );

  app.get('/installations/new', async (request, reply) => {
    requireAdmin(authOf(request).actor, 'create installations');
    return renderNew(request, reply, { name: '', urls: [], description: '', teams: [] });
  });

  app.post<{ Body: Body }>('/installations', async (request, reply) => {
    const input = createValues(request.body ?? {});
    try {
      const { id } = await app.web.tower.bus.execute(
        'CreateInstallation',
        input,
        authOf(request).actor,
      );
      return afterChange(request, reply, `/installations/${id}`);
    } catch (error) {
      const { status, errors } = formErrors(error);
      reply.code(status);
      return renderNew(request, reply, input, errors);
    }
  });

  app.get<Params>('/installations/:id', CACHED_STATUS_PAGE, async (request, reply) =>
    renderShow(request, reply, request.params.id),
  );

  /** Runs one command of the installation page; a refusal re-renders the page with it. */
  async function change(
    request: FastifyRequest<Params & { Body: Body }>,
    reply: FastifyReply,
    form: FormState['form'],
    type: string,
    input: Body,
  ) {
    const id = request.params.id;
    try {
      await app.web.tower.bus.execute(
        type,
        { installationId: id, ...input },
        authOf(request).actor,
      );
      return afterChange(request, reply, `/installations/${id}`);
    } catch (error) {
      const { status, errors } = formErrors(error);
      reply.code(status);
      return renderShow(request, reply, id, { form, errors, values: input });
    }
  }

  app.post<Params & { Body: Body }>('/installations/:id', async (request, reply) => {
    const { name, urls, description } = createValues(request.body ?? {});
    return change(request, reply, 'edit', 'UpdateInstallation', { name, urls, description });
  });

  app.post<Params & { Body: Body }>('/installations/:id/teams', async (request, reply) => {
    const teams = formList(request.body?.teams);
    return change(request, reply, 'teams', 'SetInstallationTeams', { teams });
  });

  app.post<Params & { Body: Body }>('/installations/:id/delete', async (request, reply) => {
    const id = request.params.id;
    app.web.queries.installations.get(viewer(request), id);
    try {
      await app.web.tower.bus.execute(
        'DeleteInstallation',
        { installationId: id },
        authOf(request).actor,
      );
    } catch (error) {
      const { status, errors } = formErrors(error);
      reply.code(status);
      const message = errors.installationId ?? Object.values(errors)[0] ?? '';
      return renderShow(request, reply, id, {
        form: 'edit',
        errors: { _delete: message },
        values: {},
      });
    }
    return afterChange(request, reply, '/installations');
  });

  for (const file of ['operator.conf', 'server.conf'] as const) {
    app.get<Params>(`/installations/:id/${file}`, async (request, reply) => {
      const id = request.params.id;
      app.web.queries.installations.get(viewer(request), id);
      requireAdmin(authOf(request).actor, 'read the server settings of installations');
      const config = installationConfig(app.web.tower.db, app.web.tower.jwts, id);
      return reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${file}"`)
        .header('cache-control', 'no-store')
        .send(file === 'operator.conf' ? config.operatorConf : config.serverConf);
    });
  }
}

/** What the edit and teams forms show: the installation, or what was typed into a failed form. */
function editState(installation: InstallationView, failed: FormState | undefined) {
  const values = {
    name: installation.name,
    urls: installation.urls.join('\n'),
    description: installation.description,
    teams: installation.teams,
  };
  if (!failed) return { values, errors: {} as Record<string, string> };
  const typed = { ...failed.values };
  if (Array.isArray(typed.urls)) typed.urls = typed.urls.join('\n');
  return { values: { ...values, ...typed }, errors: failed.errors, form: failed.form };
}
