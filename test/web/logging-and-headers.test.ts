import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { webTower, type WebTower } from '../helpers/web.ts';

describe('request logging and security headers', () => {
  let web: WebTower;

  beforeAll(async () => {
    web = await webTower();
  });
  afterAll(() => web.close());

  it('writes one line per request, and no password, cookie, token, seed or creds', async () => {
    const session = await web.login('admin@example.test');
    const { token } = await web.token(web.tower.admin);
    const installation = await web.tower.bus.execute(
      'CreateInstallation',
      { name: 'logged', urls: ['nats://127.0.0.1:4222'] },
      web.tower.admin,
    );
    const account = await web.tower.bus.execute(
      'CreateAccount',
      { installationId: installation.id, name: 'a' },
      web.tower.admin,
    );
    const natsUser = await web.tower.bus.execute(
      'CreateNatsUser',
      { accountId: account.id, name: 'n' },
      web.tower.admin,
    );
    const before = web.logLines.filter((line) => line.msg === 'request completed').length;

    const creds = await web.request(
      { kind: 'token', token },
      { method: 'GET', url: `/api/v1/nats-users/${natsUser.id}/creds` },
    );
    await web.request(session, { method: 'GET', url: '/api/v1/me?q=x' });
    await web.app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: 'admin@example.test', password: 'a wrong password' },
    });

    const completed = web.logLines.filter((line) => line.msg === 'request completed');
    expect(completed.length - before).toBe(3);
    expect(completed.at(-2)).toMatchObject({
      method: 'GET',
      path: '/api/v1/me',
      status: 200,
      via: 'session',
    });
    const seed = /SU[A-Z2-7]{50,}/u.exec(creds.body)![0];
    const text = web.logText();
    for (const secret of [
      TEST_PASSWORD,
      'a wrong password',
      session.cookie.split('=')[1]!,
      token,
      seed,
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('BEGIN NATS USER JWT');
  });

  it('sends a content security policy that allows only Tower itself, and forbids framing', async () => {
    const response = await web.app.inject({ method: 'GET', url: '/login' });
    const policy = String(response.headers['content-security-policy']);

    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("style-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe-inline|https:|data:/u);
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});
