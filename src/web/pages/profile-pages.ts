import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toProblem } from '../problem.ts';
import { formatApiToken, newTokenSecret } from '../api-token-format.ts';
import {
  authOf,
  execute,
  formErrors,
  redirectAfterPost,
  submitForm,
  viewerFor,
  type FieldErrors,
} from './form-actions.ts';
import { formOf, text, utcDateTime } from './form-input.ts';
import { renderPage } from './render.ts';

interface ProfileState {
  passwordErrors?: FieldErrors;
  tokenErrors?: FieldErrors;
  tokenValues?: { name: string; expiresAt: string };
  /** A token just made: shown this once, kept nowhere. */
  newToken?: { name: string; token: string };
}

const NOTICES: Record<string, string> = {
  password: 'Password changed; your other sessions ended.',
  revoked: 'Token revoked.',
};

function renderProfile(request: FastifyRequest, reply: FastifyReply, state: ProfileState = {}) {
  const { queries } = request.server.web;
  const viewer = viewerFor(request);
  const user = queries.towerUsers.get(viewer, viewer.userId);
  const teams = queries.teams.list(viewer, { limit: 100 }).items;
  const tokens = queries.apiTokens.list(viewer, { limit: 100 }).items;
  const query = request.query as Record<string, unknown>;
  return renderPage(request, reply, 'profile/index', {
    title: 'Your profile',
    section: 'profile',
    user,
    teams,
    tokens,
    passwordErrors: state.passwordErrors ?? {},
    tokenErrors: state.tokenErrors ?? {},
    tokenValues: state.tokenValues ?? { name: '', expiresAt: '' },
    newToken: state.newToken,
    notice: typeof query.done === 'string' ? NOTICES[query.done] : undefined,
  });
}

/** Your own profile: your password and your API tokens. */
export async function profilePages(app: FastifyInstance): Promise<void> {
  const { sessions, queries } = app.web;

  app.get('/profile', async (request, reply) => renderProfile(request, reply));

  app.post('/profile/password', async (request, reply) => {
    const auth = authOf(request);
    const form = formOf(request);
    const input = {
      currentPassword: text(form, 'currentPassword'),
      newPassword: text(form, 'newPassword'),
    };
    return submitForm(request, reply, {
      fields: ['currentPassword', 'newPassword'],
      action: async () => {
        await execute(request, 'ChangeOwnPassword', input);
        sessions.endAllOf(auth.actor.userId, auth.session?.idHash);
        return '/profile?done=password';
      },
      rerender: (errors) => renderProfile(request, reply, { passwordErrors: errors }),
    });
  });

  app.post('/profile/tokens', async (request, reply) => {
    const form = formOf(request);
    const tokenValues = { name: text(form, 'name'), expiresAt: text(form, 'expiresAt') };
    const { secret, digest } = newTokenSecret();
    const input = {
      name: tokenValues.name,
      expiresAt: utcDateTime(form, 'expiresAt'),
      secretDigest: digest,
    };
    try {
      const { id } = await execute(request, 'CreateApiToken', input);
      const newToken = { name: tokenValues.name.trim(), token: formatApiToken(id!, secret) };
      return renderProfile(request, reply, { newToken });
    } catch (error) {
      const errors = formErrors(error, ['name', 'expiresAt']);
      if (!errors) throw error;
      reply.code(toProblem(error).status);
      return renderProfile(request, reply, { tokenErrors: errors, tokenValues });
    }
  });

  app.post<{ Params: { id: string } }>('/profile/tokens/:id/revoke', async (request, reply) => {
    const token = queries.apiTokens.get(viewerFor(request), request.params.id);
    await execute(request, 'RevokeApiToken', { tokenId: token.id });
    return redirectAfterPost(request, reply, '/profile?done=revoked');
  });
}
