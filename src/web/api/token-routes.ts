import { CreateApiToken } from '../../commands/api-token-commands.ts';
import { idSchema } from '../../commands/rules.ts';
import { formatApiToken, newTokenSecret } from '../api-token-format.ts';
import { apiRoute, type ApiContext } from './api-route.ts';
import { pageQuery, pageRequest } from './page-query.ts';

const tag = 'API tokens';

const view = (ctx: ApiContext<unknown, unknown>, id: string) =>
  ctx.web.queries.apiTokens.get(ctx.viewer, id);

export const tokenRoutes = [
  apiRoute({
    method: 'GET',
    path: '/tokens',
    tag,
    summary: "List your API tokens (admins may name another user's id)",
    query: pageQuery.extend({ userId: idSchema.optional() }).strict(),
    handle: (ctx) => {
      const request = { ...pageRequest(ctx.query), ownerId: ctx.query.userId };
      return ctx.web.queries.apiTokens.list(ctx.viewer, request);
    },
  }),
  apiRoute({
    method: 'POST',
    path: '/tokens',
    tag,
    summary:
      'Create an API token for yourself. The answer carries the token once; a repeated ' +
      'Idempotency-Key returns the token without it (token: null)',
    body: CreateApiToken.schema.omit({ secretDigest: true }),
    status: 201,
    handle: async (ctx) => {
      const { secret, digest } = newTokenSecret();
      const result = await ctx.run('CreateApiToken', { ...ctx.body, secretDigest: digest });
      const token = result.replayed ? null : formatApiToken(result.id!, secret);
      return ctx.created(`/tokens/${result.id}`, result.id!, () => ({
        ...view(ctx, result.id!),
        token,
      }));
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/tokens/:id',
    tag,
    summary: 'Read one of your API tokens (without its secret)',
    handle: (ctx) => view(ctx, ctx.params.id!),
  }),
  apiRoute({
    method: 'DELETE',
    path: '/tokens/:id',
    tag,
    summary: "Revoke an API token: yours, or anyone's for admins",
    handle: async (ctx) => {
      await ctx.run('RevokeApiToken', { tokenId: ctx.params.id });
    },
  }),
];
