import { CreateNatsUser, UpdateNatsUser } from '../../commands/nats-user-commands.ts';
import { TowerError } from '../../errors/index.ts';
import { apiRoute, type ApiContext } from './api-route.ts';
import { JsonText } from './json-text.ts';
import { pageQuery, pageRequest } from './page-query.ts';

const tag = 'NATS users';

const view = (ctx: ApiContext<unknown, unknown>, id: string) =>
  ctx.web.queries.natsUsers.get(ctx.viewer, id);

/** A file name made of the NATS user's name, safe in a header. */
export function credsFileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9._-]+/gu, '-').replace(/^-+|-+$/gu, '') || 'nats-user'}.creds`;
}

export const natsUserRoutes = [
  apiRoute({
    method: 'GET',
    path: '/accounts/:id/nats-users',
    cache: true,
    tag,
    summary: 'List the NATS users of an account you may see, by name',
    query: pageQuery,
    handle: (ctx) =>
      new JsonText(
        ctx.web.queries.natsUsers.listJson(ctx.viewer, ctx.params.id!, pageRequest(ctx.query)),
      ),
  }),
  apiRoute({
    method: 'POST',
    path: '/accounts/:id/nats-users',
    tag,
    summary: 'Create a NATS user in an account you may see',
    body: CreateNatsUser.schema.omit({ accountId: true }),
    status: 201,
    handle: async (ctx) => {
      const { id } = await ctx.run('CreateNatsUser', { ...ctx.body, accountId: ctx.params.id });
      return ctx.created(`/nats-users/${id}`, id!, () => view(ctx, id!));
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/nats-users/:id',
    cache: true,
    tag,
    summary: 'Read a NATS user',
    handle: (ctx) => view(ctx, ctx.params.id!),
  }),
  apiRoute({
    method: 'PATCH',
    path: '/nats-users/:id',
    tag,
    summary: 'Change the name, description, permissions, limits, bearer flag or expiry',
    body: UpdateNatsUser.schema.omit({ natsUserId: true }),
    handle: async (ctx) => {
      await ctx.run('UpdateNatsUser', { ...ctx.body, natsUserId: ctx.params.id });
      return view(ctx, ctx.params.id!);
    },
  }),
  apiRoute({
    method: 'DELETE',
    path: '/nats-users/:id',
    tag,
    summary: 'Delete a NATS user; its key is revoked in the account',
    handle: async (ctx) => {
      await ctx.run('DeleteNatsUser', { natsUserId: ctx.params.id });
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/nats-users/:id/creds',
    tag,
    summary: 'Download the .creds file (JWT and seed) of a NATS user',
    produces: 'text',
    handle: (ctx) => {
      const natsUser = view(ctx, ctx.params.id!);
      const creds = ctx.web.tower.jwts.natsUserCreds(natsUser.id);
      if (!creds) throw new TowerError('not_found', `No creds for NATS user "${natsUser.id}".`);
      ctx.request.log.info({ natsUserId: natsUser.id }, 'creds downloaded');
      ctx.reply
        .type('text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="${credsFileName(natsUser.name)}"`);
      return creds;
    },
  }),
  apiRoute({
    method: 'POST',
    path: '/nats-users/:id/rotate',
    tag,
    summary: 'Give a NATS user a new key; the old one is revoked and its creds stop working',
    handle: async (ctx) => {
      await ctx.run('RotateNatsUserCredentials', { natsUserId: ctx.params.id });
      return view(ctx, ctx.params.id!);
    },
  }),
];
