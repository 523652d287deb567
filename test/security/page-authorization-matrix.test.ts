import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { ANONYMOUS, type Credentials, webTower, type WebTower } from '../helpers/web.ts';
import { getPage, postForm } from '../web/page-requests.ts';
import { redBlueWorld, type RedBlueWorld } from '../web/red-blue-world.ts';
import { registeredRoutes, routeShape, storeHead } from './route-census.ts';

/**
 * The expected status of every page route for every kind of browser. `owner` is a user in the
 * team that owns the installation (:I), account (:A) and NATS user (:N); `other` is in another
 * team; `disabled` signed in before an admin disabled them; `expired` is the owner's session
 * past its absolute timeout. `:new…` names an entity made fresh for a cell that succeeds.
 *
 * Reading the table: 303 is a redirect (to /login for a GET without a valid session, to the
 * next page after a successful post); 404 means hidden; 403 means visible, but for admins only;
 * a post without a valid session is 401. A user sees no Tower user but themself, so another
 * user's row actions are 404 to them, teammate or not. Posts to /profile/password carry a wrong current
 * password (400), so no session's password changes.
 */
const MATRIX = `
| route                                            | anon | admin | owner | other | disabled | expired |
| GET  /                                           | 303  | 303   | 303   | 303   | 303      | 303     |
| GET  /healthz                                    | 200  | 200   | 200   | 200   | 200      | 200     |
| GET  /login                                      | 200  | 303   | 303   | 303   | 200      | 200     |
| POST /login                                      | 303  | 303   | 303   | 303   | 303      | 303     |
| POST /logout                                     | 303  | 303   | 303   | 303   | 303      | 303     |
| GET  /assets/:name                               | 200  | 200   | 200   | 200   | 200      | 200     |
| GET  /installations                              | 303  | 200   | 200   | 200   | 303      | 303     |
| POST /installations                              | 401  | 303   | 403   | 403   | 401      | 401     |
| GET  /installations/new                          | 303  | 200   | 403   | 403   | 303      | 303     |
| GET  /installations/:I                           | 303  | 200   | 200   | 404   | 303      | 303     |
| POST /installations/:I                           | 401  | 303   | 403   | 404   | 401      | 401     |
| POST /installations/:I/teams                     | 401  | 303   | 403   | 404   | 401      | 401     |
| POST /installations/:newI/delete                 | 401  | 303   | 403   | 404   | 401      | 401     |
| GET  /installations/:I/dashboard                 | 303  | 200   | 200   | 404   | 303      | 303     |
| GET  /installations/:I/dashboard/live            | 303  | 200   | 200   | 404   | 303      | 303     |
| GET  /installations/:I/operator.conf             | 303  | 200   | 403   | 404   | 303      | 303     |
| GET  /installations/:I/server.conf               | 303  | 200   | 403   | 404   | 303      | 303     |
| GET  /installations/:I/accounts/new              | 303  | 200   | 403   | 404   | 303      | 303     |
| POST /installations/:I/accounts                  | 401  | 303   | 403   | 404   | 401      | 401     |
| GET  /accounts/:A                                | 303  | 200   | 200   | 404   | 303      | 303     |
| POST /accounts/:A                                | 401  | 303   | 403   | 404   | 401      | 401     |
| POST /accounts/:A/teams                          | 401  | 303   | 403   | 404   | 401      | 401     |
| POST /accounts/:A/limits                         | 401  | 303   | 403   | 404   | 401      | 401     |
| POST /accounts/:newA/delete                      | 401  | 303   | 403   | 404   | 401      | 401     |
| GET  /accounts/:A/nats-users                     | 303  | 200   | 200   | 404   | 303      | 303     |
| GET  /accounts/:A/nats-users/new                 | 303  | 200   | 200   | 404   | 303      | 303     |
| POST /accounts/:A/nats-users                     | 401  | 303   | 303   | 404   | 401      | 401     |
| GET  /nats-users/:N                              | 303  | 200   | 200   | 404   | 303      | 303     |
| POST /nats-users/:N                              | 401  | 303   | 303   | 404   | 401      | 401     |
| POST /nats-users/:newN/rotate                    | 401  | 303   | 303   | 404   | 401      | 401     |
| POST /nats-users/:newN/delete                    | 401  | 303   | 303   | 404   | 401      | 401     |
| GET  /nats-users/:N/creds                        | 303  | 200   | 200   | 404   | 303      | 303     |
| GET  /nats-users/:N/context.json                 | 303  | 200   | 200   | 404   | 303      | 303     |
| GET  /admin                                      | 303  | 303   | 303   | 303   | 303      | 303     |
| GET  /admin/users                                | 303  | 200   | 403   | 403   | 303      | 303     |
| POST /admin/users                                | 401  | 303   | 403   | 403   | 401      | 401     |
| POST /admin/users/:newU/disable                  | 401  | 303   | 404   | 404   | 401      | 401     |
| POST /admin/users/:newU/enable                   | 401  | 303   | 404   | 404   | 401      | 401     |
| POST /admin/users/:newU/role                     | 401  | 303   | 404   | 404   | 401      | 401     |
| POST /admin/users/:newU/password                 | 401  | 303   | 404   | 404   | 401      | 401     |
| GET  /admin/teams                                | 303  | 200   | 403   | 403   | 303      | 303     |
| POST /admin/teams                                | 401  | 303   | 403   | 403   | 401      | 401     |
| GET  /admin/teams/:T                             | 303  | 200   | 403   | 404   | 303      | 303     |
| POST /admin/teams/:T/rename                      | 401  | 303   | 403   | 404   | 401      | 401     |
| POST /admin/teams/:T/members                     | 401  | 303   | 403   | 404   | 401      | 401     |
| POST /admin/teams/:T/members/:M/remove           | 401  | 303   | 403   | 404   | 401      | 401     |
| POST /admin/teams/:newT/delete                   | 401  | 303   | 404   | 404   | 401      | 401     |
| GET  /admin/limit-profiles                       | 303  | 200   | 403   | 403   | 303      | 303     |
| POST /admin/limit-profiles                       | 401  | 303   | 403   | 403   | 401      | 401     |
| GET  /admin/limit-profiles/new                   | 303  | 200   | 403   | 403   | 303      | 303     |
| GET  /admin/limit-profiles/:P                    | 303  | 200   | 403   | 403   | 303      | 303     |
| POST /admin/limit-profiles/:P                    | 401  | 303   | 403   | 403   | 401      | 401     |
| POST /admin/limit-profiles/:newP/default         | 401  | 303   | 403   | 403   | 401      | 401     |
| POST /admin/limit-profiles/:newP/delete          | 401  | 303   | 403   | 403   | 401      | 401     |
| GET  /audit                                      | 303  | 200   | 200   | 200   | 303      | 303     |
| GET  /profile                                    | 303  | 200   | 200   | 200   | 303      | 303     |
| POST /profile/password                           | 401  | 400   | 400   | 400   | 401      | 401     |
| POST /profile/tokens                             | 401  | 200   | 200   | 200   | 401      | 401     |
| POST /profile/tokens/:newK/revoke                | 401  | 303   | 303   | 404   | 401      | 401     |
`;

const COLUMNS = ['anon', 'admin', 'owner', 'other', 'disabled', 'expired'] as const;
type Column = (typeof COLUMNS)[number];

const EMAILS: Partial<Record<Column, string>> = {
  admin: 'admin@example.test',
  owner: 'user@example.test',
  other: 'other@example.test',
};

interface Row {
  method: 'GET' | 'POST';
  path: string;
  expected: Record<Column, number>;
}

function parseMatrix(table: string): Row[] {
  return table
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const cells = line
        .split('|')
        .map((cell) => cell.trim())
        .filter(Boolean);
      const [method, path] = cells[0]!.split(/\s+/u) as ['GET' | 'POST', string];
      const statuses = cells.slice(1).map(Number);
      const expected = Object.fromEntries(COLUMNS.map((column, i) => [column, statuses[i]!]));
      return { method, path, expected: expected as Record<Column, number> };
    });
}

/** A form each post route accepts from a browser allowed to use it; `n` keeps names apart. */
function formFor(path: string, world: RedBlueWorld, n: number): Record<string, string> {
  const url = 'nats://127.0.0.1:4222';
  const forms: Record<string, Record<string, string>> = {
    '/login': { email: 'user@example.test', password: TEST_PASSWORD },
    '/installations': { name: `inst-${n}`, urls: url },
    '/installations/:I': { name: 'red-prod', urls: url, description: `changed ${n}` },
    '/installations/:I/teams': { teams: world.red },
    '/installations/:I/accounts': { name: `acc-${n}`, teams: world.red },
    '/accounts/:A': { name: 'orders', description: `changed ${n}` },
    '/accounts/:A/teams': { teams: world.red },
    '/accounts/:A/nats-users': { name: `nu-${n}` },
    '/nats-users/:N': { name: 'svc', description: `changed ${n}` },
    '/admin/users': {
      email: `new-${n}@example.test`,
      displayName: `New ${n}`,
      role: 'user',
      password: TEST_PASSWORD,
    },
    '/admin/users/:newU/role': { role: 'admin' },
    '/admin/users/:newU/password': { password: `${TEST_PASSWORD}-${n}` },
    '/admin/teams': { name: `team-${n}` },
    '/admin/teams/:T/rename': { name: 'red' },
    '/admin/teams/:T/members': { email: 'user@example.test' },
    '/admin/limit-profiles': { name: `profile-${n}` },
    '/admin/limit-profiles/:P': { name: 'small', description: `changed ${n}` },
    '/profile/password': { currentPassword: 'not the password', newPassword: 'x'.repeat(16) },
    '/profile/tokens': { name: `token-${n}` },
  };
  return forms[path] ?? {};
}

describe('authorization matrix of the pages', () => {
  let web: WebTower;
  let world: RedBlueWorld;
  let credentials: Record<Column, Credentials>;
  let counter = 0;
  const run = async (type: string, input: Record<string, unknown>) =>
    (await web.tower.bus.execute(type, input, world.admin)).id!;

  /** Ids for the placeholders; `new…` ones are made fresh for each cell. */
  const placeholders: Record<string, () => Promise<string>> = {
    I: async () => world.installation,
    A: async () => world.account,
    N: async () => world.natsUser,
    T: async () => world.red,
    M: async () => world.disabled.userId,
    P: async () => world.profile,
    name: async () => 'tower.css',
    newI: () =>
      run('CreateInstallation', {
        name: `doomed-${++counter}`,
        urls: ['nats://127.0.0.1:4222'],
        teams: [world.red],
      }),
    newA: () =>
      run('CreateAccount', {
        installationId: world.installation,
        name: `doomed-${++counter}`,
        teams: [world.red],
      }),
    newN: () => run('CreateNatsUser', { accountId: world.account, name: `doomed-${++counter}` }),
    newT: () => run('CreateTeam', { name: `doomed-${++counter}` }),
    newP: () => run('CreateLimitProfile', { name: `doomed-${++counter}` }),
    newU: async () => {
      const email = `doomed-${++counter}@example.test`;
      const input = { email, displayName: 'Doomed', role: 'user', password: TEST_PASSWORD };
      return run('CreateTowerUser', input);
    },
    newK: async () => {
      const token = await web.token(world.owner);
      return token.token.split('_')[1]!;
    },
  };

  async function resolvePath(path: string): Promise<string> {
    let resolved = path;
    for (const [, name] of path.matchAll(/:([A-Za-z]+)/gu)) {
      resolved = resolved.replace(`:${name}`, await placeholders[name!]!());
    }
    return resolved;
  }

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
    const owner = web.tower.reader.towerUser(world.owner.userId)!;
    const stale = web.app.web.sessions.create(owner.id, web.clock.now - 13 * 60 * 60_000);
    credentials = {
      anon: ANONYMOUS,
      admin: world.sessions.admin,
      owner: world.sessions.owner,
      other: world.sessions.other,
      disabled: world.sessions.disabled,
      expired: {
        kind: 'session',
        cookie: `tower_session=${stale.id}`,
        csrfToken: stale.session.csrfToken,
      },
    };
  });

  afterAll(() => web?.close());

  const rows = parseMatrix(MATRIX);
  let cells = 0;

  it('has a row for every page route, and for nothing else', () => {
    const served = registeredRoutes(web.app)
      .filter((route) => !route.path.startsWith('/api/'))
      .map((route) => routeShape(route.method, route.path));
    expect(rows.map((row) => routeShape(row.method, row.path)).sort()).toEqual(served.sort());
  });

  for (const row of rows) {
    it(`${row.method} ${row.path}`, async () => {
      const outcomes: Record<string, number> = {};
      for (const column of COLUMNS) {
        // Signing in or out ends the session it is sent with: those rows get a fresh one.
        const ends = row.method === 'POST' && ['/login', '/logout'].includes(row.path);
        const email = EMAILS[column];
        const caller = ends && email ? await web.login(email) : credentials[column];
        const url = await resolvePath(row.path);
        const before = storeHead(web);
        const response =
          row.method === 'GET'
            ? await getPage(web, caller, url)
            : caller.kind === 'session'
              ? await postForm(web, caller, url, formFor(row.path, world, ++counter))
              : await web.app.inject({
                  method: 'POST',
                  url,
                  payload: new URLSearchParams(formFor(row.path, world, ++counter)).toString(),
                  headers: {
                    accept: 'text/html',
                    'content-type': 'application/x-www-form-urlencoded',
                  },
                });
        outcomes[column] = response.statusCode;
        if (response.statusCode >= 400) {
          expect(storeHead(web), `a refused ${column} stored something`).toBe(before);
        }
        if (
          row.method === 'GET' &&
          response.statusCode === 303 &&
          !['/', '/admin', '/login'].includes(row.path)
        ) {
          expect(response.headers.location, `${column} ${url}`).toMatch(/^\/login\?next=/u);
        }
        cells += 1;
      }
      expect(outcomes).toEqual(row.expected);
    });
  }

  afterAll(() => console.info(`page authorization matrix: ${cells} cells checked`));
});
