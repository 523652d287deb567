import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, MAX_FORM_FIELDS } from '../../src/web/body-parsing.ts';
import { webTower, type Credentials, type WebTower } from '../helpers/web.ts';
import { storeHead } from './route-census.ts';

const FORM = 'application/x-www-form-urlencoded';

/** Fields `f0=1&f1=1…`, with the session's CSRF token among them. */
const manyFields = (count: number, csrf: string) =>
  [`_csrf=${csrf}`, ...Array.from({ length: count - 1 }, (_, i) => `f${i}=1`)].join('&');

describe('oversized bodies and forms with too many fields are refused early', () => {
  let web: WebTower;
  let admin: Credentials & { kind: 'session' };
  let token: Credentials;

  beforeAll(async () => {
    web = await webTower();
    admin = await web.login('admin@example.test');
    token = await web.token(web.tower.admin);
  });

  afterAll(() => web?.close());

  /** A page post as a browser sends it; answers the response. */
  const pagePost = (url: string, payload: string, headers: Record<string, string> = {}) =>
    web.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { cookie: admin.cookie, accept: 'text/html', 'content-type': FORM, ...headers },
    });

  it('answers a page form over 64 KB with 413 and stores nothing', async () => {
    const before = storeHead(web);
    const payload = `_csrf=${admin.csrfToken}&name=${'x'.repeat(BODY_LIMIT_BYTES)}`;
    const response = await pagePost('/admin/teams', payload);

    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toContain('text/html');
    expect(storeHead(web)).toBe(before);
  });

  it(`answers a page form of more than ${MAX_FORM_FIELDS} fields with 413, and accepts ${MAX_FORM_FIELDS}`, async () => {
    const before = storeHead(web);
    const tooMany = await pagePost(
      '/admin/teams',
      `${manyFields(MAX_FORM_FIELDS + 1, admin.csrfToken)}`,
    );
    expect(tooMany.statusCode).toBe(413);
    expect(storeHead(web)).toBe(before);

    const enough = await pagePost(
      '/admin/teams',
      `${manyFields(MAX_FORM_FIELDS - 1, admin.csrfToken)}&name=ok`,
    );
    expect(enough.statusCode).toBe(303);
  });

  it('answers a JSON body over 64 KB with 413 on every kind of write, whatever it holds', async () => {
    const big = JSON.stringify({ name: 'ok', pad: Array.from({ length: 20_000 }, (_, i) => i) });
    expect(big.length).toBeGreaterThan(BODY_LIMIT_BYTES);
    const before = storeHead(web);
    for (const [method, url] of [
      ['POST', '/api/v1/teams'],
      ['PATCH', `/api/v1/users/${web.tower.admin.userId}`],
      ['PUT', '/api/v1/teams/x/members'],
      ['POST', '/api/v1/me/password'],
    ] as const) {
      const response = await web.request(token, {
        method,
        url,
        payload: big,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.statusCode, url).toBe(413);
      expect(response.json(), url).toMatchObject({ code: 'payload_too_large' });
    }
    expect(storeHead(web)).toBe(before);
  });

  it('answers a JSON body of thousands of fields under 64 KB with 400 naming the first unknown one', async () => {
    const fields = Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`f${i}`, 1]));
    const payload = JSON.stringify({ name: 'many', ...fields });
    expect(payload.length).toBeLessThan(BODY_LIMIT_BYTES);
    const response = await web.request(token, {
      method: 'POST',
      url: '/api/v1/teams',
      payload,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'f0' });
  });

  it('answers JSON nested thousands deep without a 500', async () => {
    const depth = 20_000;
    const payload = `{"name":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const response = await web.request(token, {
      method: 'POST',
      url: '/api/v1/teams',
      payload,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ field: 'name' });
  });

  it('refuses a declared 100 MB body from its headers alone, before the body arrives', async () => {
    const address = await web.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const started = Date.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          'POST /api/v1/teams HTTP/1.1\r\nhost: 127.0.0.1\r\n' +
            `authorization: Bearer ${(token as { token: string }).token}\r\n` +
            `content-type: application/json\r\ncontent-length: ${100 * 1024 * 1024}\r\n\r\n{"name":`,
        );
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });

    expect(answer).toMatch(/^HTTP\/1\.1 413 /u);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
