import type { FastifyInstance } from 'fastify';

/**
 * One log line per request, written when the response is done: method, path (never the query
 * string), status, time and the acting user. Headers and bodies are never logged, so no cookie,
 * token or password can reach the log from here; the logger's redaction list is the second net.
 */
export function registerRequestLogging(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        userId: request.auth?.actor.userId,
        via: request.auth?.method,
      },
      'request completed',
    );
  });
}
