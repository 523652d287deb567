import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TowerError } from '../errors/index.ts';
import type { WebContext } from './web-context.ts';

/** The form field that carries the CSRF token; the header alternative is `x-csrf-token`. */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const refused = (message: string) => new TowerError('csrf_failed', message);

/**
 * Cross-site request forgery defences for requests that a browser sends with the session
 * cookie (bearer-token requests carry no ambient credential and are exempt):
 *
 * 1. a state-changing request from another origin (by `Origin` or `Sec-Fetch-Site`) is refused,
 *    logins included;
 * 2. a state-changing request of a session must carry the session's token, as the `_csrf`
 *    field of a form or the `x-csrf-token` header. The field is removed from the body before
 *    the route sees it.
 */
export function registerCsrfProtection(app: FastifyInstance, web: WebContext): void {
  app.addHook('onRequest', async (request) => {
    if (SAFE_METHODS.has(request.method) || request.auth?.method === 'token') return;
    if (!sameOrigin(request, web)) {
      throw refused('This request came from another site; Tower only accepts its own forms.');
    }
  });

  app.addHook('preValidation', async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    const body = request.body as Record<string, unknown> | null | undefined;
    const field = body && typeof body === 'object' ? body[CSRF_FIELD] : undefined;
    if (body && typeof body === 'object') delete body[CSRF_FIELD];

    const session = request.auth?.method === 'session' ? request.auth.session : null;
    if (!session || request.routeOptions.config.csrf === false) return;
    const header = request.headers[CSRF_HEADER];
    const presented = typeof header === 'string' ? header : typeof field === 'string' ? field : '';
    if (!equal(presented, session.csrfToken)) {
      throw refused('The form has expired or lacks its CSRF token; reload the page and try again.');
    }
  });
}

function sameOrigin(request: FastifyRequest, web: WebContext): boolean {
  if (request.headers['sec-fetch-site'] === 'cross-site') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  const own = web.config.publicUrl
    ? new URL(web.config.publicUrl).origin
    : `${request.protocol}://${request.host}`;
  return origin === own;
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
