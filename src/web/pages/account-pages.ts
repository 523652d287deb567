import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireAdmin } from '../../commands/rules.ts';
import { isTowerError } from '../../errors/index.ts';
import type { AccountView, LimitProfileView } from '../../projections/queries/index.ts';
import { viewerOf, type RequestAuth } from '../request-auth.ts';
import {
  LIMIT_FIELDS,
  limitFormValues,
  limitsFromForm,
  profileFromForm,
} from './account-limit-fields.ts';
import { visibleStatus } from './installation-pages.ts';
import {
  afterChange,
  formErrors,
  formList,
  formText,
  isHtmx,
  teamNames,
  visibleTeams,
} from './page-input.ts';
import { CACHED_STATUS_PAGE, renderPage } from './render.ts';
import { keepOut } from '../response-cache.ts';
import { fmt } from './usage-format.ts';

type Params = { Params: { id: string } };
type Body = Record<string, unknown>;
type Form = 'edit' | 'teams' | 'limits' | 'delete';

interface FormState {
  form: Form;
  errors: Record<string, string>;
  values: Body;
}

const authOf = (request: FastifyRequest): RequestAuth => request.auth!;

/** Every limit profile, by name; at most 1,000. */
function allProfiles(app: FastifyInstance, request: FastifyRequest): LimitProfileView[] {
  const profiles: LimitProfileView[] = [];
  let cursor: string | undefined;
  do {
    const page = app.web.queries.limitProfiles.list(viewerOf(authOf(request)), {
      limit: 100,
      cursor,
    });
    profiles.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && profiles.length < 1_000);
  return profiles;
}

/** The account's limit profile, or null when it follows none (or the profile is gone). */
function profileOf(
  app: FastifyInstance,
  request: FastifyRequest,
  id: string | null,
): LimitProfileView | null {
  if (!id) return null;
  try {
    return app.web.queries.limitProfiles.get(viewerOf(authOf(request)), id);
  } catch (error) {
    if (isTowerError(error) && error.code === 'not_found') return null;
    throw error;
  }
}

/** What a create or limits form shows: the typed text of each field and the profile choice. */
function limitState(body: Body, profile: string) {
  const values: Record<string, string> = {};
  for (const { name } of LIMIT_FIELDS)
    values[name] = typeof body[name] === 'string' ? body[name] : '';
  return {
    ...values,
    limitProfileId: typeof body.limitProfileId === 'string' ? body.limitProfileId : profile,
  };
}

/** The account forms and page: create, show, edit, teams, limits, delete. */
export async function accountPages(app: FastifyInstance): Promise<void> {
  const viewer = (request: FastifyRequest) => viewerOf(authOf(request));

  function renderNew(
    request: FastifyRequest,
    reply: FastifyReply,
    installationId: string,
    values: Body,
    errors: Record<string, string> = {},
  ) {
    const installation = app.web.queries.installations.get(viewer(request), installationId);
    requireAdmin(authOf(request).actor, 'create accounts');
    return renderPage(request, reply, isHtmx(request) ? 'accounts/form' : 'accounts/new', {
      title: `New account in ${installation.name}`,
      section: 'installations',
      installation,
      teams: visibleTeams(app, viewer(request)),
      profiles: allProfiles(app, request),
      fields: LIMIT_FIELDS,
      values,
      errors,
    });
  }

  async function renderShow(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    failed?: FormState,
  ) {
    const account = app.web.queries.accounts.get(viewer(request), id);
    const installation = app.web.queries.installations.get(viewer(request), account.installationId);
    const admin = authOf(request).actor.role === 'admin';
    const status = visibleStatus(app, request, installation.id, { accounts: 'one', accountId: id });
    const serverCount = status.servers.length;
    const usage = status.reachable
      ? await app.web.monitoring.account(installation.id, account.publicKey, serverCount)
      : null;
    // Kept while the installation is unreachable, until its status changes; live usage is not.
    if (usage) keepOut(request);
    const teams = visibleTeams(app, viewer(request));
    // Only the admins' limits form offers every profile; the page itself names one.
    const profiles = admin ? allProfiles(app, request) : [];
    const natsUsers = app.web.queries.natsUsers.summaries(viewer(request), id, { limit: 10 });
    return renderPage(request, reply, 'accounts/show', {
      title: account.name,
      section: 'installations',
      account,
      installation,
      isAdmin: admin,
      teams,
      teamNames: teamNames(teams, account.teams),
      profile: profileOf(app, request, account.limitProfileId),
      profiles,
      fields: LIMIT_FIELDS,
      publication: status.accounts.find((entry) => entry.accountId === id) ?? null,
      reachable: status.reachable,
      usage,
      natsUsers,
      forms: admin ? formsOf(account, failed) : null,
      fmt,
    });
  }

  app.get<Params>('/installations/:id/accounts/new', async (request, reply) =>
    renderNew(request, reply, request.params.id, { ...limitState({}, 'default'), teams: [] }),
  );

  app.post<Params & { Body: Body }>('/installations/:id/accounts', async (request, reply) => {
    const body = request.body ?? {};
    const installationId = request.params.id;
    const input = {
      installationId,
      name: formText(body.name),
      description: formText(body.description),
      teams: formList(body.teams),
      limitProfileId: profileFromForm(body.limitProfileId),
      limits: limitsFromForm(body),
    };
    try {
      const { id } = await app.web.tower.bus.execute('CreateAccount', input, authOf(request).actor);
      return afterChange(request, reply, `/accounts/${id}`);
    } catch (error) {
      const { status, errors } = formErrors(error);
      reply.code(status);
      const values = { ...limitState(body, 'default'), ...input };
      return renderNew(request, reply, installationId, values, errors);
    }
  });

  app.get<Params>('/accounts/:id', CACHED_STATUS_PAGE, async (request, reply) =>
    renderShow(request, reply, request.params.id),
  );

  async function change(
    request: FastifyRequest<Params & { Body: Body }>,
    reply: FastifyReply,
    form: Form,
    type: string,
    input: Body,
    values: Body = input,
  ) {
    const id = request.params.id;
    try {
      await app.web.tower.bus.execute(type, { accountId: id, ...input }, authOf(request).actor);
    } catch (error) {
      const { status, errors } = formErrors(error);
      reply.code(status);
      return renderShow(request, reply, id, { form, errors, values });
    }
    if (type !== 'DeleteAccount') return afterChange(request, reply, `/accounts/${id}`);
    return afterChange(request, reply, `/installations/${String(values.installationId)}`);
  }

  app.post<Params & { Body: Body }>('/accounts/:id', async (request, reply) => {
    const body = request.body ?? {};
    const input = { name: formText(body.name), description: formText(body.description) };
    return change(request, reply, 'edit', 'UpdateAccount', input);
  });

  app.post<Params & { Body: Body }>('/accounts/:id/teams', async (request, reply) => {
    const input = { teams: formList(request.body?.teams) };
    return change(request, reply, 'teams', 'SetAccountTeams', input);
  });

  app.post<Params & { Body: Body }>('/accounts/:id/limits', async (request, reply) => {
    const body = request.body ?? {};
    const input = {
      limitProfileId: profileFromForm(body.limitProfileId),
      limits: limitsFromForm(body),
    };
    return change(request, reply, 'limits', 'SetAccountLimits', input, limitState(body, 'none'));
  });

  app.post<Params & { Body: Body }>('/accounts/:id/delete', async (request, reply) => {
    const account = app.web.queries.accounts.get(viewer(request), request.params.id);
    const values = { installationId: account.installationId };
    return change(request, reply, 'delete', 'DeleteAccount', {}, values);
  });
}

/** The values and errors of each admin form of the account page. */
function formsOf(account: AccountView, failed: FormState | undefined) {
  const limits = {
    ...limitFormValues(account.limits),
    limitProfileId: account.limitProfileId ?? 'none',
  };
  const forms: Record<Form, { values: Body; errors: Record<string, string> }> = {
    edit: { values: { name: account.name, description: account.description }, errors: {} },
    teams: { values: { teams: account.teams }, errors: {} },
    limits: { values: limits, errors: {} },
    delete: { values: {}, errors: {} },
  };
  if (failed) {
    forms[failed.form] = {
      values: { ...forms[failed.form].values, ...failed.values },
      errors: failed.errors,
    };
  }
  return forms;
}
