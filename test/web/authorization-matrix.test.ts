import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../src/web/api/api-context.ts';
import { apiRoutes } from '../../src/web/api/api-plugin.ts';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { ANONYMOUS, webTower, type Credentials, type WebTower } from '../helpers/web.ts';
import { redBlueWorld, type RedBlueWorld } from './red-blue-world.ts';

/**
 * The expected status of every API route for every kind of caller. `owner` is a user in the
 * team that owns the installation, account and NATS user the route names; `other` is a user in
 * another team; `disabled` had a session before an admin disabled them; `expired session` is the
 * owner's session past its absolute timeout; the tokens are the owner's.
 *
 * Reading the table: 404 means "hidden" (invisible and missing are not told apart); 403 means
 * "visible, but only admins may"; every failed credential is 401.
 */
const MATRIX = `
| route                                         | anon | admin | owner | other | disabled | expired session | revoked token | expired token |
| GET    /api/v1/installations                  | 401  | 200   | 200   | 200   | 401      | 401             | 401           | 401           |
| POST   /api/v1/installations                  | 401  | 201   | 403   | 403   | 401      | 401             | 401           | 401           |
| GET    /api/v1/installations/:I               | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| PATCH  /api/v1/installations/:I               | 401  | 200   | 403   | 404   | 401      | 401             | 401           | 401           |
| DELETE /api/v1/installations/:newI            | 401  | 204   | 403   | 404   | 401      | 401             | 401           | 401           |
| PUT    /api/v1/installations/:I/teams         | 401  | 200   | 403   | 404   | 401      | 401             | 401           | 401           |
| GET    /api/v1/installations/:I/operator.conf | 401  | 200   | 403   | 404   | 401      | 401             | 401           | 401           |
| GET    /api/v1/installations/:I/server.conf   | 401  | 200   | 403   | 404   | 401      | 401             | 401           | 401           |
| GET    /api/v1/installations/:I/status        | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| GET    /api/v1/installations/:I/accounts      | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| POST   /api/v1/installations/:I/accounts      | 401  | 201   | 403   | 404   | 401      | 401             | 401           | 401           |
| GET    /api/v1/accounts/:A                    | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| PATCH  /api/v1/accounts/:A                    | 401  | 200   | 403   | 404   | 401      | 401             | 401           | 401           |
| DELETE /api/v1/accounts/:newA                 | 401  | 204   | 403   | 404   | 401      | 401             | 401           | 401           |
| GET    /api/v1/accounts/:A/nats-users         | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| POST   /api/v1/accounts/:A/nats-users         | 401  | 201   | 201   | 404   | 401      | 401             | 401           | 401           |
| GET    /api/v1/nats-users/:N                  | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| PATCH  /api/v1/nats-users/:N                  | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| DELETE /api/v1/nats-users/:newN               | 401  | 204   | 204   | 404   | 401      | 401             | 401           | 401           |
| GET    /api/v1/nats-users/:N/creds            | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| POST   /api/v1/nats-users/:N/rotate           | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| GET    /api/v1/teams                          | 401  | 200   | 200   | 200   | 401      | 401             | 401           | 401           |
| POST   /api/v1/teams                          | 401  | 201   | 403   | 403   | 401      | 401             | 401           | 401           |
| GET    /api/v1/teams/:T                       | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| PATCH  /api/v1/teams/:T                       | 401  | 200   | 403   | 404   | 401      | 401             | 401           | 401           |
| DELETE /api/v1/teams/:newT                    | 401  | 204   | 404   | 404   | 401      | 401             | 401           | 401           |
| PUT    /api/v1/teams/:T/members               | 401  | 200   | 403   | 404   | 401      | 401             | 401           | 401           |
| GET    /api/v1/users                          | 401  | 200   | 200   | 200   | 401      | 401             | 401           | 401           |
| POST   /api/v1/users                          | 401  | 201   | 403   | 403   | 401      | 401             | 401           | 401           |
| GET    /api/v1/users/:U                       | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| PATCH  /api/v1/users/:U                       | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| GET    /api/v1/limit-profiles                 | 401  | 200   | 200   | 200   | 401      | 401             | 401           | 401           |
| POST   /api/v1/limit-profiles                 | 401  | 201   | 403   | 403   | 401      | 401             | 401           | 401           |
| GET    /api/v1/limit-profiles/:P              | 401  | 200   | 200   | 200   | 401      | 401             | 401           | 401           |
| PATCH  /api/v1/limit-profiles/:P              | 401  | 200   | 403   | 403   | 401      | 401             | 401           | 401           |
| DELETE /api/v1/limit-profiles/:newP           | 401  | 204   | 403   | 403   | 401      | 401             | 401           | 401           |
| GET    /api/v1/events                         | 401  | 200   | 200   | 200   | 401      | 401             | 401           | 401           |
| GET    /api/v1/tokens                         | 401  | 200   | 200   | 200   | 401      | 401             | 401           | 401           |
| POST   /api/v1/tokens                         | 401  | 201   | 201   | 201   | 401      | 401             | 401           | 401           |
| GET    /api/v1/tokens/:K                      | 401  | 200   | 200   | 404   | 401      | 401             | 401           | 401           |
| DELETE /api/v1/tokens/:newK                   | 401  | 204   | 204   | 404   | 401      | 401             | 401           | 401           |
| GET    /api/v1/me                             | 401  | 200   | 200   | 200   | 401      | 401             | 401           | 401           |
| POST   /api/v1/me/password                    | 401  | 400   | 400   | 400   | 401      | 401             | 401           | 401           |
| GET    /api/v1/openapi.json                   | 200  | 200   | 200   | 200   | 200      | 200             | 401           | 401           |
`;

const COLUMNS = [
  'anon',
  'admin',
  'owner',
  'other',
  'disabled',
  'expired session',
  'revoked token',
  'expired token',
] as const;
type Column = (typeof COLUMNS)[number];

interface Row {
  method: string;
  path: string;
  expected: Record<Column, number>;
}

function parseMatrix(table: string): Row[] {
  const lines = table.trim().split('\n').slice(1);
  return lines.map((line) => {
    const cells = line
      .split('|')
      .map((cell) => cell.trim())
      .filter(Boolean);
    const [method, path] = cells[0]!.split(/\s+/u) as [string, string];
    const statuses = cells.slice(1).map(Number);
    const expected = Object.fromEntries(COLUMNS.map((column, i) => [column, statuses[i]!]));
    return { method, path, expected: expected as Record<Column, number> };
  });
}

/** A request body each route accepts from a caller who may use it; `n` keeps names apart. */
function bodyFor(row: Row, world: RedBlueWorld, n: number): unknown {
  const key = `${row.method} ${row.path}`;
  const bodies: Record<string, unknown> = {
    'POST /api/v1/installations': { name: `inst-${n}`, urls: ['nats://127.0.0.1:4222'] },
    'PATCH /api/v1/installations/:I': { description: `changed ${n}` },
    'PUT /api/v1/installations/:I/teams': { teams: [world.red] },
    'POST /api/v1/installations/:I/accounts': { name: `acc-${n}`, teams: [world.red] },
    'PATCH /api/v1/accounts/:A': { description: `changed ${n}` },
    'POST /api/v1/accounts/:A/nats-users': { name: `nu-${n}` },
    'PATCH /api/v1/nats-users/:N': { description: `changed ${n}` },
    'POST /api/v1/teams': { name: `team-${n}` },
    'PATCH /api/v1/teams/:T': { name: 'red' },
    'PUT /api/v1/teams/:T/members': { users: [world.owner.userId, world.disabled.userId] },
    'POST /api/v1/users': {
      email: `new-${n}@example.test`,
      name: `New ${n}`,
      role: 'user',
      password: TEST_PASSWORD,
    },
    'PATCH /api/v1/users/:U': { name: 'Owner' },
    'POST /api/v1/limit-profiles': { name: `profile-${n}` },
    'PATCH /api/v1/limit-profiles/:P': { description: `changed ${n}` },
    'POST /api/v1/tokens': { name: `token-${n}` },
    'POST /api/v1/me/password': {
      currentPassword: 'not the password',
      newPassword: 'x'.repeat(16),
    },
  };
  return bodies[key];
}

describe('authorization matrix of the JSON API', () => {
  let web: WebTower;
  let world: RedBlueWorld;
  let credentials: Record<Column, Credentials>;
  let ownerToken: string;
  let counter = 0;

  /** Ids for the path placeholders; `new…` ones are made fresh for a cell that will succeed. */
  const placeholders: Record<string, (fresh: boolean) => Promise<string>> = {
    I: async () => world.installation,
    A: async () => world.account,
    N: async () => world.natsUser,
    T: async () => world.red,
    U: async () => world.owner.userId,
    P: async () => world.profile,
    K: async () => ownerToken,
    newI: async () => {
      const input = {
        name: `doomed-${++counter}`,
        urls: ['nats://127.0.0.1:4222'],
        teams: [world.red],
      };
      return (await web.tower.bus.execute('CreateInstallation', input, world.admin)).id!;
    },
    newA: async () => {
      const input = {
        installationId: world.installation,
        name: `doomed-${++counter}`,
        teams: [world.red],
      };
      return (await web.tower.bus.execute('CreateAccount', input, world.admin)).id!;
    },
    newN: async () => {
      const input = { accountId: world.account, name: `doomed-${++counter}` };
      return (await web.tower.bus.execute('CreateNatsUser', input, world.admin)).id!;
    },
    newT: async () =>
      (await web.tower.bus.execute('CreateTeam', { name: `doomed-${++counter}` }, world.admin)).id!,
    newP: async () => {
      const input = { name: `doomed-${++counter}` };
      return (await web.tower.bus.execute('CreateLimitProfile', input, world.admin)).id!;
    },
    newK: async (fresh) => (fresh ? tokenIdOf((await web.token(world.owner)).token) : ownerToken),
  };

  const tokenIdOf = (token: string) => token.split('_')[1]!;

  async function resolvePath(path: string, fresh: boolean): Promise<string> {
    let resolved = path;
    for (const [, name] of path.matchAll(/:([A-Za-z]+)/gu)) {
      resolved = resolved.replace(`:${name}`, await placeholders[name!]!(fresh));
    }
    return resolved;
  }

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
    const revoked = await web.token(world.owner);
    await web.tower.bus.execute(
      'RevokeApiToken',
      { tokenId: tokenIdOf(revoked.token) },
      world.owner,
    );
    const expiring = await web.token(world.owner, {
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    ownerToken = tokenIdOf((await web.token(world.owner)).token);
    const old = web.tower.reader.towerUser(world.owner.userId)!;
    const stale = web.app.web.sessions.create(old.id, web.clock.now - 13 * 60 * 60_000);
    // The server's clock moves past the expiring token's end; the sessions stay fresh.
    web.clock.now += 5 * 60_000;

    credentials = {
      anon: ANONYMOUS,
      admin: world.sessions.admin,
      owner: world.sessions.owner,
      other: world.sessions.other,
      disabled: world.sessions.disabled,
      'expired session': {
        kind: 'session',
        cookie: `tower_session=${stale.id}`,
        csrfToken: stale.session.csrfToken,
      },
      'revoked token': revoked,
      'expired token': expiring,
    };
  });

  afterAll(() => web.close());

  const rows = parseMatrix(MATRIX);

  it('has a row for every route of the API, and for nothing else', () => {
    const shape = (method: string, path: string) =>
      `${method} ${path.replace(/:[A-Za-z]+/gu, ':id')}`;
    const served = apiRoutes.map((route) => shape(route.method, `${API_PREFIX}${route.path}`));
    served.push(shape('GET', `${API_PREFIX}/openapi.json`));
    expect(rows.map((row) => shape(row.method, row.path)).sort()).toEqual(served.sort());
  });

  for (const row of rows) {
    it(`${row.method} ${row.path}`, async () => {
      const outcomes: Record<string, number> = {};
      for (const column of COLUMNS) {
        const expected = row.expected[column];
        const url = await resolvePath(row.path, expected < 300);
        const payload = bodyFor(row, world, ++counter) as Record<string, unknown> | undefined;
        const response = await web.request(credentials[column], {
          method: row.method as 'GET',
          url,
          payload,
        });
        outcomes[column] = response.statusCode;
      }
      expect(outcomes).toEqual(row.expected);
    });
  }
});
