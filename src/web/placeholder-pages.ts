import type { FastifyInstance } from 'fastify';
import { escapeHtml } from './html-escape.ts';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
  `</head><body>${body}</body></html>`;

/**
 * Stand-ins until the Eta/HTMX pages exist: `GET /` and `GET /login`. The pages plugin replaces
 * this one through `buildServer({ pages })`, and nothing else refers to it.
 */
export async function placeholderPages(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { auth: 'optional' } }, async (request, reply) => {
    const who = request.auth
      ? `Signed in as ${escapeHtml(request.auth.user.email)}.`
      : '<a href="/login">Sign in</a>.';
    return reply
      .type('text/html; charset=utf-8')
      .send(page('NATS Tower', `<h1>NATS Tower</h1><p>${who}</p><p>API: /api/v1/openapi.json</p>`));
  });

  app.get('/login', { config: { auth: 'optional' } }, async (request, reply) => {
    const query = request.query as { failed?: string; next?: string };
    const failed = query.failed ? '<p>wrong email or password</p>' : '';
    const next = escapeHtml(query.next ?? '/');
    const form =
      `<h1>Sign in</h1>${failed}<form method="post" action="/login">` +
      `<input type="hidden" name="next" value="${next}">` +
      '<label>Email <input name="email" type="email" autocomplete="username" required></label>' +
      '<label>Password <input name="password" type="password" autocomplete="current-password" ' +
      'required></label><button>Sign in</button></form>';
    return reply.type('text/html; charset=utf-8').send(page('Sign in · NATS Tower', form));
  });
}
