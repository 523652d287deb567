import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { sessionCookie, webTower, type WebTower } from '../helpers/web.ts';
import { getPage, postForm } from '../web/page-requests.ts';
import { redBlueWorld, type RedBlueWorld } from '../web/red-blue-world.ts';
import { concretePath, pageRoutes, type PageIds } from './page-paths.ts';
import { registeredRoutes, storeHead } from './route-census.ts';

const SHORT = 'short-11ch!';

describe('CSRF on every state-changing page form', () => {
  let web: WebTower;
  let world: RedBlueWorld;
  let ids: PageIds;

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
    const token = (await web.token(world.admin)).token.split('_')[1]!;
    ids = {
      installation: world.installation,
      account: world.account,
      natsUser: world.natsUser,
      team: world.red,
      profile: world.profile,
      user: world.owner.userId,
      token,
    };
  });

  afterAll(() => web?.close());

  /** A form post with the admin's cookie and the given `_csrf` field (none when undefined). */
  function post(url: string, csrf: string | undefined) {
    const body = new URLSearchParams({ name: 'csrf-probe', email: 'user@example.test' });
    if (csrf !== undefined) body.set('_csrf', csrf);
    return web.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: {
        cookie: world.sessions.admin.cookie,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
  }

  it('refuses every page post of a session without its token or with a wrong one: 403, nothing stored', async () => {
    // Signing in has no session to protect yet; it is guarded by the origin check instead.
    const routes = pageRoutes(registeredRoutes(web.app), 'POST').filter((r) => r.path !== '/login');
    expect(routes.length).toBeGreaterThan(30);
    const wrong = `${world.sessions.admin.csrfToken.slice(0, -2)}xx`;

    for (const route of routes) {
      const url = concretePath(route.path, ids);
      for (const csrf of [undefined, '', wrong, world.sessions.owner.csrfToken]) {
        const before = storeHead(web);
        const response = await post(url, csrf);
        expect(response.statusCode, `${url} with _csrf=${csrf}`).toBe(403);
        expect(response.body).toContain('CSRF');
        expect(storeHead(web), url).toBe(before);
      }
    }
    // The admin's session survived every refused logout.
    expect((await getPage(web, world.sessions.admin, '/installations')).statusCode).toBe(200);
  });

  it('refuses a page post from another origin even with the right token', async () => {
    const before = storeHead(web);
    const response = await postForm(
      web,
      world.sessions.admin,
      '/admin/teams',
      { name: 'cross-site' },
      { origin: 'https://evil.example' },
    );
    expect(response.statusCode).toBe(403);
    expect(storeHead(web)).toBe(before);
  });
});

describe('session fixation through the login form', () => {
  let web: WebTower;

  beforeAll(async () => {
    web = await webTower();
  });

  afterAll(() => web?.close());

  it("does not let a session planted before login become the victim's session", async () => {
    const attacker = await web.login('admin@example.test');
    const form = new URLSearchParams({ email: 'user@example.test', password: TEST_PASSWORD });
    const response = await web.app.inject({
      method: 'POST',
      url: '/login',
      payload: form.toString(),
      headers: {
        cookie: attacker.cookie,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
    });

    expect(response.statusCode).toBe(303);
    const victim = sessionCookie(response);
    expect(victim).toMatch(/^tower_session=/u);
    expect(victim).not.toBe(attacker.cookie);
    const asAttacker = await web.app.inject({
      url: '/api/v1/me',
      headers: { cookie: attacker.cookie },
    });
    expect(asAttacker.statusCode).toBe(401);
    const asVictim = await web.app.inject({ url: '/api/v1/me', headers: { cookie: victim } });
    expect(asVictim.json()).toMatchObject({ user: { email: 'user@example.test' } });
  });
});

describe('password rules on every form and route that sets a password', () => {
  let web: WebTower;
  let world: RedBlueWorld;

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
  });

  afterAll(() => web?.close());

  const newUser = (password: string) => ({
    email: 'short@example.test',
    displayName: 'Short',
    role: 'user',
    password,
  });

  it('refuses a password under 12 characters in the pages with 400 beside the field', async () => {
    const admin = world.sessions.admin;
    const cases: [url: string, fields: Record<string, string>, field: string][] = [
      ['/admin/users', newUser(SHORT), 'password'],
      [`/admin/users/${world.owner.userId}/password`, { password: SHORT }, 'password'],
      ['/profile/password', { currentPassword: TEST_PASSWORD, newPassword: SHORT }, 'newPassword'],
    ];
    for (const [url, fields, field] of cases) {
      const before = storeHead(web);
      const response = await postForm(web, admin, url, fields);
      expect(response.statusCode, url).toBe(400);
      expect(response.body, url).toMatch(new RegExp(`id="${field}-error"[^>]*>[^<]*12`, 'u'));
      expect(storeHead(web), url).toBe(before);
    }
  });

  it('refuses a password under 12 characters in the API with 400 naming the field', async () => {
    const admin = await web.token(world.admin);
    const cases: [method: 'POST' | 'PATCH', url: string, body: object, field: string][] = [
      [
        'POST',
        '/api/v1/users',
        { ...newUser(SHORT), name: 'Short', displayName: undefined },
        'password',
      ],
      ['PATCH', `/api/v1/users/${world.owner.userId}`, { password: SHORT }, 'password'],
      [
        'POST',
        '/api/v1/me/password',
        { currentPassword: TEST_PASSWORD, newPassword: SHORT },
        'newPassword',
      ],
    ];
    for (const [method, url, payload, field] of cases) {
      const before = storeHead(web);
      const response = await web.request(admin, { method, url, payload });
      expect(response.statusCode, url).toBe(400);
      expect(response.json(), url).toMatchObject({ code: 'invalid_input', field });
      expect(storeHead(web), url).toBe(before);
    }
  });

  it('still signs in with the old passwords afterwards', async () => {
    await expect(web.login('admin@example.test')).resolves.toMatchObject({ kind: 'session' });
    await expect(web.login('user@example.test')).resolves.toMatchObject({ kind: 'session' });
  });
});
