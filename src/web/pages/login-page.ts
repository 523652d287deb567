import type { FastifyInstance } from 'fastify';
import { renderPage } from './render.ts';

/** A `next` that stays on this site: a path, never another origin. */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export async function loginPage(app: FastifyInstance): Promise<void> {
  app.get('/login', { config: { auth: 'optional' } }, async (request, reply) => {
    const query = request.query as { failed?: string; next?: string };
    if (request.auth) return reply.redirect(safeNext(query.next), 303);
    return renderPage(request, reply, 'login', {
      title: 'Sign in',
      failed: Boolean(query.failed),
      next: safeNext(query.next),
    });
  });
}
