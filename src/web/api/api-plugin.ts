import type { FastifyInstance } from 'fastify';
import { parseInput } from '../../commands/index.ts';
import { TowerError } from '../../errors/index.ts';
import type { WebContext } from '../web-context.ts';
import { accountRoutes } from './account-routes.ts';
import { apiContext, API_PREFIX } from './api-context.ts';
import type { AnyApiRoute } from './api-route.ts';
import { eventRoutes } from './event-routes.ts';
import { installationRoutes } from './installation-routes.ts';
import { JsonText } from './json-text.ts';
import { limitProfileRoutes } from './limit-profile-routes.ts';
import { meRoutes } from './me-routes.ts';
import { natsUserRoutes } from './nats-user-routes.ts';
import { openApiDocument } from './openapi.ts';
import { teamRoutes } from './team-routes.ts';
import { tokenRoutes } from './token-routes.ts';
import { towerUserRoutes } from './tower-user-routes.ts';

/** Every route of the JSON API, in the order the OpenAPI document lists them. */
export const apiRoutes: readonly AnyApiRoute[] = [
  ...installationRoutes,
  ...accountRoutes,
  ...natsUserRoutes,
  ...teamRoutes,
  ...towerUserRoutes,
  ...limitProfileRoutes,
  ...eventRoutes,
  ...tokenRoutes,
  ...meRoutes,
] as readonly AnyApiRoute[];

/** The body as an object: none is an empty one, and a list or a bare value is refused. */
function objectBody(body: unknown): object {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new TowerError('invalid_input', 'The body must be a JSON object.', { field: 'body' });
  }
  return body;
}

/**
 * Registers the JSON API under /api/v1: each route's input is checked against its zod schemas
 * (400 naming the field), its handler runs, and the answer is JSON with `Cache-Control:
 * no-store`; single entities carry their version as an ETag.
 */
export function registerApi(app: FastifyInstance, web: WebContext): void {
  for (const route of apiRoutes) {
    app.route({
      method: route.method,
      url: `${API_PREFIX}${route.path}`,
      config: { auth: route.auth ?? 'required', cache: route.cache ? 'read-models' : undefined },
      handler: async (request, reply) => {
        const body = route.body ? parseInput(route.body, objectBody(request.body)) : undefined;
        const query = route.query ? parseInput(route.query, request.query ?? {}) : undefined;
        const ctx = apiContext(request, reply, web, { body, query });

        const result = await route.handle(ctx);
        reply.header('cache-control', 'no-store');
        if (result === undefined) return reply.code(204).send();
        if (reply.statusCode === 200 && route.status) reply.code(route.status);
        if (result instanceof JsonText) {
          return reply.type('application/json; charset=utf-8').send(result.text);
        }
        const version = (result as { version?: unknown }).version;
        if (typeof version === 'number') reply.header('etag', `"${version}"`);
        return result;
      },
    });
  }

  const document = openApiDocument(apiRoutes);
  app.get(`${API_PREFIX}/openapi.json`, { config: { auth: 'optional' } }, async () => document);
}
