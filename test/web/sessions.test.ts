import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { sessionCookie, webTower, type WebTower } from '../helpers/web.ts';

const HOUR = 60 * 60_000;

describe('sessions', () => {
  let web: WebTower;

  beforeAll(async () => {
    web = await webTower({ sessionIdleMs: HOUR, sessionMaxMs: 12 * HOUR });
  });
  afterAll(() => web.close());

  const me = (cookie: string) =>
    web.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });

  it('logs in with JSON and sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const response = await web.app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: 'User@Example.test', password: TEST_PASSWORD },
    });

    expect(response.statusCode).toBe(200);
    const header = String(response.headers['set-cookie']);
    expect(header).toMatch(/^tower_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/u);
    expect(response.json()).toMatchObject({ user: { email: 'user@example.test', role: 'user' } });
    expect((await me(sessionCookie(response))).statusCode).toBe(200);
  });

  it('answers a wrong password and an unknown email with the same generic 401', async () => {
    const wrong = await web.app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: 'user@example.test', password: 'wrong password' },
    });
    const unknown = await web.app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: 'nobody@example.test', password: TEST_PASSWORD },
    });

    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/u);
      expect(response.json()).toMatchObject({
        code: 'unauthenticated',
        detail: 'wrong email or password',
      });
      expect(response.headers['set-cookie']).toBeUndefined();
    }
  });

  it('logs in with a form and redirects to a local next page, never to another site', async () => {
    const form = (next: string) =>
      web.app.inject({
        method: 'POST',
        url: '/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `email=user%40example.test&password=${TEST_PASSWORD}&next=${encodeURIComponent(next)}`,
      });

    const local = await form('/accounts/abc');
    expect(local.statusCode).toBe(303);
    expect(local.headers.location).toBe('/accounts/abc');
    expect((await form('//evil.example/x')).headers.location).toBe('/');
    expect((await form('https://evil.example/')).headers.location).toBe('/');
  });

  it('rotates the session id at login: a planted or earlier id is not carried into the new session', async () => {
    const first = await web.login('user@example.test');
    const again = await web.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: first.cookie },
      payload: { email: 'user@example.test', password: TEST_PASSWORD },
    });
    const second = sessionCookie(again);

    expect(second).not.toBe(first.cookie);
    expect((await me(first.cookie)).statusCode).toBe(401);
    expect((await me(second)).statusCode).toBe(200);

    const planted = await web.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: 'tower_session=attacker-chosen-id' },
      payload: { email: 'user@example.test', password: TEST_PASSWORD },
    });
    expect(sessionCookie(planted)).not.toContain('attacker-chosen-id');
  });

  it('keeps only the SHA-256 of session ids in the database', async () => {
    const { cookie } = await web.login('user@example.test');
    const id = cookie.split('=')[1]!;
    const rows = web.tower.db.prepare('SELECT * FROM web_sessions').all();

    expect(JSON.stringify(rows)).not.toContain(id);
  });

  it('ends the session on the server at logout, so the old cookie opens nothing', async () => {
    const session = await web.login('user@example.test');
    const logout = await web.request(session, { method: 'POST', url: '/logout' });

    expect(logout.statusCode).toBe(204);
    expect(String(logout.headers['set-cookie'])).toMatch(/^tower_session=;/u);
    expect((await me(session.cookie)).statusCode).toBe(401);
  });

  it('ends a session left idle longer than the idle timeout', async () => {
    const { cookie } = await web.login('user@example.test');
    web.clock.now += HOUR + 1;

    expect((await me(cookie)).statusCode).toBe(401);
  });

  it('ends a busy session at the absolute timeout', async () => {
    const { cookie } = await web.login('user@example.test');
    for (let hour = 0; hour < 12; hour++) {
      expect((await me(cookie)).statusCode).toBe(200);
      web.clock.now += HOUR - 60_000;
    }
    web.clock.now += 12 * 60_000;

    expect((await me(cookie)).statusCode).toBe(401);
  });

  it("stops a disabled user's sessions and tokens at once, and lets them work again when enabled", async () => {
    const { admin, user } = web.tower;
    const session = await web.login('user@example.test');
    const token = await web.token(user);

    await web.tower.bus.execute('DisableTowerUser', { userId: user.userId }, admin);
    expect((await web.request(session, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await web.request(token, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    const login = await web.app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: 'user@example.test', password: TEST_PASSWORD },
    });
    expect(login.statusCode).toBe(401);

    await web.tower.bus.execute('EnableTowerUser', { userId: user.userId }, admin);
    expect((await web.request(token, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await web.request(session, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('ends the other sessions of a user who changes their password, and keeps the current one', async () => {
    const current = await web.login('user@example.test');
    const elsewhere = await web.login('user@example.test');
    const newPassword = 'a new password 456';

    const change = await web.request(current, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: TEST_PASSWORD, newPassword },
    });
    expect(change.statusCode).toBe(204);
    expect((await me(current.cookie)).statusCode).toBe(200);
    expect((await me(elsewhere.cookie)).statusCode).toBe(401);

    await web.request(current, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: newPassword, newPassword: TEST_PASSWORD },
    });
  });

  it('marks the cookie Secure with the __Host- prefix when the public URL is https', async () => {
    const secure = await webTower({ publicUrl: 'https://tower.example.com' });
    try {
      const response = await secure.app.inject({
        method: 'POST',
        url: '/login',
        payload: { email: 'user@example.test', password: TEST_PASSWORD },
      });
      expect(String(response.headers['set-cookie'])).toMatch(
        /^__Host-tower_session=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/u,
      );
      expect(response.headers['strict-transport-security']).toContain('max-age=31536000');
    } finally {
      await secure.close();
    }
  });
});
