import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hashPassword, verifyPassword } from '../app/passwords.ts';
import { parseInput } from '../commands/index.ts';
import { secretEntry } from '../domain/secret-entries.ts';
import { TowerError } from '../errors/index.ts';
import { sessionCookieOptions } from './session-cookie.ts';
import type { WebContext } from './web-context.ts';

const loginSchema = z
  .object({
    email: z.string({ error: 'must be a string' }).trim().toLowerCase().max(254),
    password: z.string({ error: 'must be a string' }).max(512),
    /** Where a form login goes next: a path on this site. */
    next: z.string().max(2000).optional(),
  })
  .strict();

const WRONG = 'wrong email or password';

/** A form post from a page (answered with redirects) rather than a JSON client. */
function isFormPost(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

/** Only a path on this site, never `//elsewhere` or a full URL: no open redirect. */
function localPath(next: string | undefined): string {
  return next && /^\/(?![/\\])/u.test(next) ? next : '/';
}

/**
 * `POST /login` and `POST /logout`. A login checks the rate limits first, then the password
 * (as long for an unknown email as for a known one), then starts a new session: whatever
 * session id the browser had before is ended, so an id planted before login is worth nothing.
 */
export function registerLoginRoutes(app: FastifyInstance, web: WebContext): void {
  // Compared against when the email is unknown, so that timing does not tell which emails exist.
  const decoy = hashPassword('decoy password, never matches');

  app.post('/login', { config: { auth: 'optional', csrf: false } }, async (request, reply) => {
    const input = parseInput(loginSchema, request.body ?? {});
    const now = web.now();
    await web.loginLimiter.check(request.ip, input.email, now);

    const user = web.tower.reader.towerUserByEmail(input.email);
    const stored = user && web.tower.keystore.get(secretEntry.password(user.id));
    const matches = await verifyPassword(input.password, stored ?? (await decoy));
    if (!user || user.disabled || !stored || !matches) {
      web.loginLimiter.failed(request.ip, input.email, now);
      if (isFormPost(request)) {
        const next = encodeURIComponent(localPath(input.next));
        return reply.redirect(`/login?failed=1&next=${next}`, 303);
      }
      throw new TowerError('unauthenticated', WRONG);
    }
    web.loginLimiter.succeeded(input.email);

    if (request.auth?.session) web.sessions.end(request.auth.session.idHash);
    const { id, session } = web.sessions.create(user.id, now);
    reply.setCookie(web.cookieName, id, sessionCookieOptions(web.https));
    request.log.info({ userId: user.id }, 'login');

    if (isFormPost(request)) return reply.redirect(localPath(input.next), 303);
    const viewer = { userId: user.id, admin: user.role === 'admin' };
    return { user: web.queries.towerUsers.get(viewer, user.id), csrfToken: session.csrfToken };
  });

  app.post('/logout', { config: { auth: 'optional' } }, async (request, reply) => {
    endSession(request, reply, web);
    if (isFormPost(request)) return reply.redirect('/login', 303);
    return reply.code(204).send();
  });
}

function endSession(request: FastifyRequest, reply: FastifyReply, web: WebContext): void {
  const session = request.auth?.session;
  if (session) {
    web.sessions.end(session.idHash);
    request.log.info({ userId: session.userId }, 'logout');
  }
  reply.clearCookie(web.cookieName, sessionCookieOptions(web.https));
}
