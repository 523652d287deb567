import { ChangeOwnPassword } from '../../commands/tower-user-commands.ts';
import { apiRoute } from './api-route.ts';

const tag = 'me';

export const meRoutes = [
  apiRoute({
    method: 'GET',
    path: '/me',
    tag,
    summary: 'Who you are, how you signed in, and (for a session) the CSRF token',
    handle: (ctx) => ({
      user: ctx.web.queries.towerUsers.get(ctx.viewer, ctx.auth.actor.userId),
      via: ctx.auth.method,
      tokenId: ctx.auth.tokenId,
      csrfToken: ctx.auth.session?.csrfToken ?? null,
      sessionExpiresAt: ctx.auth.session
        ? new Date(ctx.auth.session.expiresAt).toISOString()
        : null,
    }),
  }),
  apiRoute({
    method: 'POST',
    path: '/me/password',
    tag,
    summary: 'Change your password; your other sessions end',
    body: ChangeOwnPassword.schema,
    handle: async (ctx) => {
      await ctx.run('ChangeOwnPassword', ctx.body);
      ctx.web.sessions.endAllOf(ctx.auth.actor.userId, ctx.auth.session?.idHash);
    },
  }),
];
