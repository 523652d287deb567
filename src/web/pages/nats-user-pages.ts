import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountView, NatsUserView } from '../../projections/queries/index.ts';
import {
  execute,
  listQuery,
  nextPageHref,
  submitForm,
  viewerFor,
  type FieldErrors,
} from './form-actions.ts';
import { formOf } from './form-input.ts';
import { natsUserCredentials } from './nats-user-credentials.ts';
import {
  EMPTY_NATS_USER_FORM,
  NATS_USER_FIELDS,
  formValuesOf,
  natsUserInput,
  postedValues,
  type NatsUserFormValues,
} from './nats-user-form.ts';
import { CACHED_PAGE, renderPage } from './render.ts';

type WithId = { Params: { id: string } };

/** The account a NATS user page is about, with its installation; hidden ones are 404. */
function accountContext(request: FastifyRequest, accountId: string) {
  const { queries } = request.server.web;
  const viewer = viewerFor(request);
  const account = queries.accounts.get(viewer, accountId);
  const installation = queries.installations.get(viewer, account.installationId);
  return { account, installation };
}

function renderList(request: FastifyRequest, reply: FastifyReply, accountId: string) {
  const { account, installation } = accountContext(request, accountId);
  const { search, cursor } = listQuery(request);
  const page = request.server.web.queries.natsUsers.list(viewerFor(request), account.id, {
    search,
    cursor,
    limit: 25,
  });
  const path = `/accounts/${account.id}/nats-users`;
  return renderPage(request, reply, 'nats-users/list', {
    title: `NATS users of ${account.name}`,
    section: 'installations',
    account,
    installation,
    natsUsers: page.items,
    search,
    nextHref: nextPageHref(path, search, page.nextCursor),
  });
}

function renderNew(
  request: FastifyRequest,
  reply: FastifyReply,
  account: AccountView,
  values: NatsUserFormValues,
  errors: FieldErrors = {},
) {
  const { installation } = accountContext(request, account.id);
  return renderPage(request, reply, 'nats-users/new', {
    title: `New NATS user in ${account.name}`,
    section: 'installations',
    account,
    installation,
    values,
    errors,
  });
}

function renderShow(
  request: FastifyRequest,
  reply: FastifyReply,
  natsUser: NatsUserView,
  values: NatsUserFormValues,
  errors: FieldErrors = {},
) {
  const { account, installation } = accountContext(request, natsUser.accountId);
  const query = request.query as Record<string, unknown>;
  return renderPage(request, reply, 'nats-users/show', {
    title: `NATS user ${natsUser.name}`,
    section: 'installations',
    natsUser,
    account,
    installation,
    values,
    errors,
    context: natsUserCredentials.contextText(natsUser, account, installation),
    notice: typeof query.done === 'string' ? NOTICES[query.done] : undefined,
  });
}

const NOTICES: Record<string, string> = {
  created: 'NATS user created. Download its credentials below.',
  saved: 'Changes saved; the new user JWT is signed.',
  rotated: 'New key made. The old credentials no longer work: download the new ones.',
};

/**
 * NATS users of an account: listed, created, edited, rotated and deleted by anyone who sees the
 * account (the command bus checks); a NATS user of a hidden account is 404 everywhere.
 */
export async function natsUserPages(app: FastifyInstance): Promise<void> {
  const { queries } = app.web;

  app.get<WithId>('/accounts/:id/nats-users', CACHED_PAGE, async (request, reply) =>
    renderList(request, reply, request.params.id),
  );

  app.get<WithId>('/accounts/:id/nats-users/new', async (request, reply) => {
    const account = queries.accounts.get(viewerFor(request), request.params.id);
    return renderNew(request, reply, account, EMPTY_NATS_USER_FORM);
  });

  app.post<WithId>('/accounts/:id/nats-users', async (request, reply) => {
    const account = queries.accounts.get(viewerFor(request), request.params.id);
    const form = formOf(request);
    return submitForm(request, reply, {
      fields: NATS_USER_FIELDS,
      action: async () => {
        const input = { ...natsUserInput(form), accountId: account.id };
        const { id } = await execute(request, 'CreateNatsUser', input);
        return `/nats-users/${id}?done=created`;
      },
      rerender: (errors) => renderNew(request, reply, account, postedValues(form), errors),
    });
  });

  app.get<WithId>('/nats-users/:id', CACHED_PAGE, async (request, reply) => {
    const natsUser = queries.natsUsers.get(viewerFor(request), request.params.id);
    return renderShow(request, reply, natsUser, formValuesOf(natsUser));
  });

  app.post<WithId>('/nats-users/:id', async (request, reply) => {
    const natsUser = queries.natsUsers.get(viewerFor(request), request.params.id);
    const form = formOf(request);
    return submitForm(request, reply, {
      fields: NATS_USER_FIELDS,
      action: async () => {
        const input = { ...natsUserInput(form), natsUserId: natsUser.id };
        await execute(request, 'UpdateNatsUser', input);
        return `/nats-users/${natsUser.id}?done=saved`;
      },
      rerender: (errors) => renderShow(request, reply, natsUser, postedValues(form), errors),
    });
  });

  app.post<WithId>('/nats-users/:id/rotate', async (request, reply) => {
    const natsUser = queries.natsUsers.get(viewerFor(request), request.params.id);
    await execute(request, 'RotateNatsUserCredentials', { natsUserId: natsUser.id });
    return reply.redirect(`/nats-users/${natsUser.id}?done=rotated`, 303);
  });

  app.post<WithId>('/nats-users/:id/delete', async (request, reply) => {
    const natsUser = queries.natsUsers.get(viewerFor(request), request.params.id);
    await execute(request, 'DeleteNatsUser', { natsUserId: natsUser.id });
    return reply.redirect(`/accounts/${natsUser.accountId}/nats-users`, 303);
  });

  await app.register(natsUserCredentials.routes);
}
