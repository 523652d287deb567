import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toProblem, type Problem } from '../problem.ts';

const VIEWS = fileURLToPath(new URL('../../views/', import.meta.url));

/**
 * The one Eta instance. `<%= %>` escapes, always; `<%~ %>` emits raw HTML and is used only for
 * markup Tower rendered itself (the layout's body, included partials). Grep for `<%~` to audit.
 */
export const eta = new Eta({ views: VIEWS, autoEscape: true, cache: true, autoTrim: false });

/**
 * The route options of a page kept until the next commit that could change it (see
 * src/web/response-cache.ts): for pages drawn from the read models alone, never for one that
 * reveals a secret or shows live data from NATS.
 */
export const CACHED_PAGE = { config: { cache: 'read-models' } } as const;

/** The same, for a page that also shows the publisher's installation status. */
export const CACHED_STATUS_PAGE = { config: { cache: 'with-status' } } as const;

export interface PageData {
  title: string;
  /** Which top-level section the navigation marks as current. */
  section?: 'installations' | 'audit' | 'admin' | 'profile';
  [key: string]: unknown;
}

/**
 * Renders a view inside the layout; for an HTMX request that targets part of the page, only
 * the view itself, so lists and forms update in place.
 */
export function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  view: string,
  data: PageData,
): FastifyReply {
  const shared = { ...data, auth: request.auth, csrf: request.auth?.session?.csrfToken ?? '' };
  const body = eta.render(view, shared);
  const partial = request.headers['hx-request'] === 'true' && !request.headers['hx-boosted'];
  const html = partial ? body : eta.render('layout', { ...shared, body });
  return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
}

/** The field errors of a failed command, keyed by field, for re-rendering its form. */
export function fieldErrors(error: unknown): { problem: Problem; errors: Record<string, string> } {
  const problem = toProblem(error);
  const key = problem.field ?? '_form';
  return { problem, errors: { [key]: problem.detail } };
}

/** The error page, in the layout. */
export function renderErrorPage(problem: Problem, request: FastifyRequest): string {
  const shared = { auth: request.auth, csrf: request.auth?.session?.csrfToken ?? '' };
  const body = eta.render('error', { ...shared, problem });
  return eta.render('layout', { ...shared, title: problem.title, body });
}
