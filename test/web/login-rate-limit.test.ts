import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { webTower, type WebTower } from '../helpers/web.ts';

const WINDOW = 15 * 60_000;

describe('login rate limit', () => {
  let web: WebTower;

  beforeAll(async () => {
    web = await webTower({ loginLimit: { perIp: 6, perEmail: 3, windowMs: WINDOW } });
  });
  afterAll(() => web.close());

  const login = (email: string, password: string, remoteAddress = '10.0.0.1') =>
    web.app.inject({ method: 'POST', url: '/login', remoteAddress, payload: { email, password } });

  it('refuses an email after its failed attempts, even with the right password, until the window ends', async () => {
    for (let i = 0; i < 3; i++)
      expect((await login('user@example.test', 'wrong')).statusCode).toBe(401);

    const blocked = await login('user@example.test', TEST_PASSWORD, '10.0.0.2');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'rate_limited' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);

    web.clock.now += WINDOW;
    expect((await login('user@example.test', TEST_PASSWORD, '10.0.0.2')).statusCode).toBe(200);
  });

  it('refuses an address after its failed attempts, whatever email it tries next', async () => {
    const emails = ['a@example.test', 'b@example.test', 'c@example.test'];
    for (const email of [...emails, ...emails]) {
      expect((await login(email, 'wrong', '10.0.0.9')).statusCode).toBe(401);
    }

    expect((await login('admin@example.test', TEST_PASSWORD, '10.0.0.9')).statusCode).toBe(429);
    expect((await login('admin@example.test', TEST_PASSWORD, '10.0.0.10')).statusCode).toBe(200);
  });
});
