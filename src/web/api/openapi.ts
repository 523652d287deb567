import { z } from 'zod';
import { errorCatalog } from '../../errors/index.ts';
import { API_PREFIX } from './api-context.ts';
import type { AnyApiRoute } from './api-route.ts';

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12 (the dialect of OpenAPI 3.1), describing its input. */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

const problemSchema: JsonSchema = {
  type: 'object',
  description: "RFC 9457 problem details with Tower's stable error code",
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', enum: Object.keys(errorCatalog) },
    field: { type: 'string', description: 'The input field the error concerns, as a dotted path' },
  },
};

function parameters(route: AnyApiRoute): JsonSchema[] {
  const path = [...route.path.matchAll(/:([A-Za-z]+)/gu)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const properties = (route.query ? jsonSchema(route.query).properties : {}) as JsonSchema;
  const query = Object.entries(properties).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema,
  }));
  const headers = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method)
    ? [
        { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } },
        { name: 'If-Match', in: 'header', required: false, schema: { type: 'string' } },
      ]
    : [];
  return [...path, ...query, ...headers];
}

function responses(route: AnyApiRoute): JsonSchema {
  const success =
    route.method === 'DELETE' || route.path === '/me/password'
      ? { '204': { description: 'Done' } }
      : {
          [String(route.status ?? 200)]: {
            description: 'Success',
            content:
              route.produces === 'text'
                ? { 'text/plain': { schema: { type: 'string' } } }
                : { 'application/json': { schema: { type: 'object' } } },
          },
        };
  return {
    ...success,
    default: {
      description: 'An error',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    },
  };
}

function operation(route: AnyApiRoute): JsonSchema {
  const body = route.body && {
    required: true,
    content: {
      'application/json': { schema: jsonSchema(route.body) },
    },
  };
  return {
    tags: [route.tag],
    summary: route.summary,
    parameters: parameters(route),
    ...(body ? { requestBody: body } : {}),
    responses: responses(route),
  };
}

/**
 * The OpenAPI 3.1 document of the JSON API, generated from the routes and the zod schemas that
 * validate their input, so the two cannot drift apart.
 */
export function openApiDocument(routes: readonly AnyApiRoute[]): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const path = `${API_PREFIX}${route.path.replace(/:([A-Za-z]+)/gu, '{$1}')}`;
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'NATS Tower API',
      version: '1',
      description:
        'Manage NATS installations, accounts and NATS users. Ids are strings, JSON is camelCase, ' +
        'errors are application/problem+json. Send an API token as "Authorization: Bearer".',
    },
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'tower_<id>_<secret>' },
        session: { type: 'apiKey', in: 'cookie', name: 'tower_session' },
      },
      schemas: { Problem: problemSchema },
    },
    paths,
  };
}
