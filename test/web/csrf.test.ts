import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { webTower, type Credentials, type WebTower } from '../helpers/web.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('CSRF protection', () => {
  let web: WebTower;
  let admin: Credentials & { kind: 'session' };

  beforeAll(async () => {
    web = await webTower();
    admin = await web.login('admin@example.test');
  });
  afterAll(() => web.close());

  const teamCount = () => web.tower.db.prepare('SELECT count(*) FROM teams').pluck().get();

  it('refuses a form post of a session without the _csrf field, and stores nothing', async () => {
    const before = teamCount();
    const response = await web.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: { ...FORM, cookie: admin.cookie },
      payload: 'name=forged',
    });

    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'csrf_failed' });
    expect(teamCount()).toBe(before);
  });

  it('refuses a form post with a wrong _csrf field', async () => {
    const response = await web.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { ...FORM, cookie: admin.cookie },
      payload: '_csrf=not-the-token',
    });

    expect(response.statusCode).toBe(403);
    expect((await web.request(admin, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });

  it('accepts a form post with the _csrf field and hands the route the body without it', async () => {
    const response = await web.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: { ...FORM, cookie: admin.cookie },
      payload: `name=form-made&_csrf=${admin.csrfToken}`,
    });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ name: 'form-made' });
  });

  it('refuses a JSON request of a session without the x-csrf-token header', async () => {
    const response = await web.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: { cookie: admin.cookie },
      payload: { name: 'json-forged' },
    });

    expect(response.statusCode).toBe(403);
  });

  it('exempts requests with a bearer token, which a browser never sends by itself', async () => {
    const token = await web.token(web.tower.admin);
    const response = await web.request(token, {
      method: 'POST',
      url: '/api/v1/teams',
      payload: { name: 'by-token' },
    });

    expect(response.statusCode).toBe(201);
  });

  it('refuses state-changing requests from another origin, logins included', async () => {
    const login = await web.app.inject({
      method: 'POST',
      url: '/login',
      headers: { origin: 'https://evil.example' },
      payload: { email: 'admin@example.test', password: TEST_PASSWORD },
    });
    const crossSite = await web.app.inject({
      method: 'POST',
      url: '/api/v1/teams',
      headers: {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrfToken,
        'sec-fetch-site': 'cross-site',
      },
      payload: { name: 'cross-site' },
    });
    const sameOrigin = await web.app.inject({
      method: 'POST',
      url: '/login',
      headers: { origin: 'http://localhost:80' },
      payload: { email: 'admin@example.test', password: TEST_PASSWORD },
    });

    expect(login.statusCode).toBe(403);
    expect(crossSite.statusCode).toBe(403);
    expect(sameOrigin.statusCode).toBe(200);
  });

  it('gives the CSRF token of a session at GET /api/v1/me, for scripts of the pages', async () => {
    const response = await web.request(admin, { method: 'GET', url: '/api/v1/me' });

    expect(response.json()).toMatchObject({ via: 'session', csrfToken: admin.csrfToken });
  });
});
