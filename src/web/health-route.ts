import type { FastifyInstance } from 'fastify';

/**
 * `GET /healthz` for load balancers and probes: answers without touching the database or a
 * session, so it also serves as the in-process baseline of the page benchmarks.
 */
export function registerHealthRoute(app: FastifyInstance): void {
  app.get('/healthz', { config: { auth: 'optional' } }, async () => ({ status: 'ok' }));
}
