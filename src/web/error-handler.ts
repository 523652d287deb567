import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TowerError } from '../errors/index.ts';
import { escapeHtml } from './html-escape.ts';
import { PROBLEM_CONTENT_TYPE, toProblem, type Problem } from './problem.ts';

/**
 * Renders a problem as an HTML page for a person's browser. The pages replace the default
 * with their own layout through `buildServer({ renderErrorPage })`.
 */
export type ErrorPageRenderer = (
  problem: Problem,
  request: FastifyRequest,
  reply: FastifyReply,
) => string | Promise<string>;

/** True for requests of the JSON API; everything else is a page request. */
export function isApiRequest(request: FastifyRequest): boolean {
  return request.url === '/api' || request.url.startsWith('/api/');
}

/** A bare page: the pages engineer's renderer replaces it. Text is escaped, no inline code. */
export const plainErrorPage: ErrorPageRenderer = (problem) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(problem.title)}` +
  `</title></head><body><h1>${escapeHtml(problem.title)}</h1><p>${escapeHtml(problem.detail)}</p>` +
  '<p><a href="/">NATS Tower</a></p></body></html>';

/**
 * One place turns every error into a response: problem+json for the API, an HTML page for a
 * browser (a GET that needs a session goes to the login page instead). Server faults are
 * logged with their stack; client errors are not, the request line already tells them.
 */
export function registerErrorHandling(app: FastifyInstance, renderPage: ErrorPageRenderer): void {
  app.setErrorHandler(async (error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(problem, request, reply, renderPage);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const problem = toProblem(
      new TowerError('not_found', `Nothing at ${request.method} ${path(request)}.`),
    );
    return sendProblem(problem, request, reply, renderPage);
  });
}

async function sendProblem(
  problem: Problem,
  request: FastifyRequest,
  reply: FastifyReply,
  renderPage: ErrorPageRenderer,
) {
  reply.code(problem.status);
  if (problem.code === 'rate_limited' && !reply.hasHeader('retry-after')) {
    reply.header('retry-after', '60');
  }
  if (isApiRequest(request) || !request.headers.accept?.includes('text/html')) {
    return reply.type(PROBLEM_CONTENT_TYPE).send(problem);
  }
  if (problem.status === 401 && request.method === 'GET') {
    return reply.redirect(`/login?next=${encodeURIComponent(path(request))}`, 303);
  }
  return reply.type('text/html; charset=utf-8').send(await renderPage(problem, request, reply));
}

function path(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '/';
}
