import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/commands/index.ts';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { webTower, type Credentials, type WebTower } from '../helpers/web.ts';
import { isApiPath, registeredRoutes, storeHead } from '../security/route-census.ts';
import { redBlueWorld, type RedBlueWorld } from '../web/red-blue-world.ts';
import {
  fuzzParameters,
  hostileId,
  hostileString,
  hostileValue,
  ownObject,
  POLLUTING_KEYS,
} from './hostile-values.ts';

const BODY_RUNS = 150;
const PATH_RUNS = 25;
const QUERY_RUNS = 30;

interface OpenApiOperation {
  requestBody?: { content: { 'application/json': { schema: { properties?: object } } } };
  parameters?: { name: string; in: string }[];
}

/** The statuses that say "your input is wrong": each must name the field it concerns. */
const FIELD_STATUSES = new Set([400, 404, 409, 422]);

/**
 * A body for a route: some of its own fields with hostile values, some extra fields (prototype
 * keys among them), or now and then no object at all.
 */
function bodyFor(fields: string[]): fc.Arbitrary<unknown> {
  const own = fc
    .subarray(fields)
    .chain((keys) =>
      fc.tuple(...keys.map((key) => hostileValue.map((value) => [key, value] as const))),
    );
  const extra = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...POLLUTING_KEYS), hostileString), hostileValue),
    { maxLength: 2 },
  );
  return fc.oneof(
    { weight: 8, arbitrary: fc.tuple(own, extra).map(([a, b]) => ownObject([...a, ...b])) },
    { weight: 1, arbitrary: hostileValue },
  );
}

const header = fc.string({ unit: 'grapheme-ascii', maxLength: 40 });

describe('fuzzing every JSON API route with hostile input', () => {
  let web: WebTower;
  let world: RedBlueWorld;
  let admin: Credentials;
  let operations: Record<string, Record<string, OpenApiOperation>>;
  /** The entity each kind of path names: the world's, or a spare one the fuzz may change. */
  let ids: Record<string, string>;
  const figures = { inputs: 0, accepted: 0, refused: 0, serverErrors: 0 };

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
    admin = await web.token(world.admin);
    const { bus } = web.tower;
    const spare = await bus.execute(
      'CreateTowerUser',
      { email: 'spare@example.test', displayName: 'Spare', role: 'user', password: TEST_PASSWORD },
      world.admin,
    );
    const team = await bus.execute('CreateTeam', { name: 'spare' }, world.admin);
    const token = (await web.token(world.owner as Actor)).kind;
    expect(token).toBe('token');
    const tokenId = (
      web.tower.db.prepare('SELECT id FROM api_tokens LIMIT 1').get() as {
        id: string;
      }
    ).id;
    ids = {
      installations: world.installation,
      accounts: world.account,
      'nats-users': world.natsUser,
      teams: team.id!,
      users: spare.id!,
      'limit-profiles': world.profile,
      tokens: tokenId,
    };
    operations = (await web.app.inject({ url: '/api/v1/openapi.json' })).json().paths;
  });

  afterAll(async () => {
    console.info(`API fuzz figures: ${JSON.stringify(figures)}`);
    await web?.close();
  });

  const operationOf = (method: string, path: string): OpenApiOperation | undefined =>
    operations[path.replace(/:([A-Za-z]+)/gu, '{$1}')]?.[method.toLowerCase()];

  const resolved = (path: string) =>
    path.replace(/\/([a-z-]+)\/:id/gu, (_, kind: string) => `/${kind}/${ids[kind]}`);

  /** Sends one request and checks the outcome every hostile request must have. */
  async function check(
    method: string,
    url: string,
    payload: string | undefined,
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const before = storeHead(web);
    const response = await web.request(admin, {
      method: method as 'POST',
      url,
      payload,
      headers: payload === undefined ? headers : { 'content-type': 'application/json', ...headers },
    });
    figures.inputs += 1;
    const status = response.statusCode;
    const context = `${method} ${url} ${payload?.slice(0, 300)} → ${status} ${response.body.slice(0, 300)}`;
    if (status >= 500) figures.serverErrors += 1;
    expect(status, context).toBeLessThan(500);
    if (status < 400) {
      figures.accepted += 1;
      return response;
    }
    figures.refused += 1;
    expect(storeHead(web), `stored something: ${context}`).toBe(before);
    // A path parameter over Fastify's 100 characters is answered by the router itself (414,
    // plain JSON) before Tower's error handler runs: reported, not yet fixed in src.
    if (status !== 414) {
      expect(response.headers['content-type'], context).toContain('application/problem+json');
    }
    return response;
  }

  it('covers every API route served (the route list comes from the app)', () => {
    const routes = registeredRoutes(web.app).filter((route) => isApiPath(route.path));
    expect(routes.length).toBeGreaterThan(40);
    const undocumented = routes.filter((route) => !operationOf(route.method, route.path));
    expect(undocumented.map((route) => route.path)).toEqual(['/api/v1/openapi.json']);
  });

  it('answers hostile bodies of every route with a body without a 500, naming the field', async () => {
    const routes = registeredRoutes(web.app).filter((route) => isApiPath(route.path));
    const withBody = routes.filter((route) => operationOf(route.method, route.path)?.requestBody);
    expect(withBody.length).toBeGreaterThanOrEqual(15);

    for (const route of withBody) {
      const schema = operationOf(route.method, route.path)!.requestBody!.content[
        'application/json'
      ];
      const fields = Object.keys(schema.schema.properties ?? {});
      const arbitrary = fc.tuple(bodyFor(fields), fc.option(header), fc.option(header));
      await fc.assert(
        fc.asyncProperty(arbitrary, async ([body, ifMatch, idempotencyKey]) => {
          const headers: Record<string, string> = {};
          if (ifMatch !== null) headers['if-match'] = ifMatch;
          if (idempotencyKey !== null) headers['idempotency-key'] = idempotencyKey;
          const url = resolved(route.path);
          const response = await check(route.method, url, JSON.stringify(body), headers);
          if (FIELD_STATUSES.has(response.statusCode)) {
            const problem = response.json() as { field?: string };
            expect(problem.field, `${route.method} ${url} ${response.body}`).toEqual(
              expect.any(String),
            );
          }
        }),
        fuzzParameters(BODY_RUNS),
      );
    }
  });

  it('answers hostile ids in every path with 404 and stores nothing', async () => {
    const routes = registeredRoutes(web.app).filter(
      (route) => isApiPath(route.path) && route.path.includes(':'),
    );
    for (const route of routes) {
      await fc.assert(
        fc.asyncProperty(hostileId, async (id) => {
          const url = route.path.replace(/:[A-Za-z]+/gu, encodeURIComponent(id));
          const payload = ['GET', 'DELETE'].includes(route.method) ? undefined : '{}';
          const response = await check(route.method, url, payload);
          expect([400, 404, 414], `${route.method} ${url}`).toContain(response.statusCode);
        }),
        fuzzParameters(PATH_RUNS),
      );
    }
  });

  it('answers hostile query parameters of every GET route without a 500, naming the field', async () => {
    const routes = registeredRoutes(web.app).filter(
      (route) => isApiPath(route.path) && route.method === 'GET',
    );
    for (const route of routes) {
      const names = (operationOf(route.method, route.path)?.parameters ?? [])
        .filter((parameter) => parameter.in === 'query')
        .map((parameter) => parameter.name);
      const query = fc.array(
        fc.tuple(
          fc.oneof(fc.constantFrom(...names, ...POLLUTING_KEYS), hostileString),
          hostileString,
        ),
        { maxLength: 4 },
      );
      await fc.assert(
        fc.asyncProperty(query, async (pairs) => {
          const search = new URLSearchParams(pairs.map(([k, v]) => [k, v])).toString();
          const response = await check('GET', `${resolved(route.path)}?${search}`, undefined);
          if (response.statusCode === 400) {
            expect((response.json() as { field?: string }).field).toEqual(expect.any(String));
          }
        }),
        fuzzParameters(QUERY_RUNS),
      );
    }
  });
});
