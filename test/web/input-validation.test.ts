import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webTower, type Credentials, type WebTower } from '../helpers/web.ts';
import { redBlueWorld, type RedBlueWorld } from './red-blue-world.ts';

interface Case {
  route: string;
  /** A body that is valid apart from the field under test. */
  base: Record<string, unknown>;
  field: string;
  value: unknown;
}

const URLS = ['nats://127.0.0.1:4222'];
const PAST = '2001-01-01T00:00:00Z';

/** For each route that takes a body: every field with a value that breaks one of its rules. */
const CASES: [route: string, base: Record<string, unknown>, bad: [string, unknown][]][] = [
  [
    'POST /api/v1/installations',
    { name: 'ok', urls: URLS },
    [
      ['name', ''],
      ['name', 42],
      ['name', 'tab\there'],
      ['name', 'x'.repeat(101)],
      ['urls', []],
      ['urls', 'nats://127.0.0.1'],
      ['urls.0', 'http://example.com'],
      ['urls.0', 'nats://user:secret@host'],
      ['description', 5],
      ['description', 'x'.repeat(2001)],
      ['teams.0', 'not an id!'],
      ['extra', 1],
    ],
  ],
  [
    'PATCH /api/v1/installations/:I',
    {},
    [
      ['name', ''],
      ['urls.0', 'tls://'],
      ['description', null],
      ['expectedVersion', -1],
      ['expectedVersion', 'one'],
      ['installationId', 'other'],
    ],
  ],
  [
    'PUT /api/v1/installations/:I/teams',
    { teams: [] },
    [
      ['teams', 'red'],
      ['teams.0', ''],
    ],
  ],
  [
    'POST /api/v1/installations/:I/accounts',
    { name: 'ok' },
    [
      ['name', ' '],
      ['description', []],
      ['teams', 'red'],
      ['limitProfileId', 'not an id!'],
      ['limits.connections', -2],
      ['limits.payload', 1.5],
      ['limits.wildcardExports', 'yes'],
      ['limits.jetstream.streams', 'many'],
      ['limits.bogus', 1],
    ],
  ],
  [
    'PATCH /api/v1/accounts/:A',
    {},
    [
      ['name', ''],
      ['description', 1],
      ['teams.0', '$'],
      ['limitProfileId', 7],
      ['limits.leafNodes', -5],
      ['expectedVersion', 1.5],
    ],
  ],
  [
    'POST /api/v1/accounts/:A/nats-users',
    { name: 'ok', limits: { subscriptions: -1, data: -1, payload: -1 } },
    [
      ['name', ''],
      ['description', false],
      ['permissions.pub.allow.0', 'orders..created'],
      ['permissions.sub.deny.0', 'a.>.b'],
      ['permissions.responses.max', 0],
      ['permissions.pub.bogus', []],
      ['bearer', 'yes'],
      ['expiresAt', 'tomorrow'],
      ['expiresAt', PAST],
      ['limits.payload', -3],
      ['limits.bogus', 1],
    ],
  ],
  [
    'PATCH /api/v1/nats-users/:N',
    { limits: { subscriptions: -1, data: -1, payload: -1 } },
    [
      ['name', 'x'.repeat(101)],
      ['permissions.sub.allow.0', ''],
      ['bearer', 1],
      ['expiresAt', PAST],
      ['limits.data', 'lots'],
    ],
  ],
  [
    'POST /api/v1/teams',
    { name: 'ok' },
    [
      ['name', ''],
      ['name', ['x']],
    ],
  ],
  ['PATCH /api/v1/teams/:T', { name: 'red' }, [['name', '\u0007bell']]],
  [
    'PUT /api/v1/teams/:T/members',
    { users: [] },
    [
      ['users.0', 'not an id!'],
      ['users', null],
    ],
  ],
  [
    'POST /api/v1/users',
    { email: 'fresh@example.test', name: 'Fresh', role: 'user', password: 'long enough password' },
    [
      ['email', 'not-an-email'],
      ['name', ''],
      ['role', 'root'],
      ['password', 'short'],
      ['displayName', 'Fresh'],
    ],
  ],
  [
    'PATCH /api/v1/users/:U',
    {},
    [
      ['name', ''],
      ['role', 'owner'],
      ['disabled', 'no'],
      ['password', 'short'],
    ],
  ],
  [
    'POST /api/v1/limit-profiles',
    { name: 'ok' },
    [
      ['name', ''],
      ['description', 3],
      ['limits.imports', 'x'],
      ['isDefault', 'yes'],
    ],
  ],
  [
    'PATCH /api/v1/limit-profiles/:P',
    {},
    [
      ['name', ''],
      ['limits.jetstream.maxBytesRequired', 'no'],
      ['isDefault', false],
    ],
  ],
  [
    'POST /api/v1/tokens',
    { name: 'ok' },
    [
      ['name', ''],
      ['expiresAt', 'soon'],
      ['expiresAt', PAST],
      ['secretDigest', 'a'.repeat(64)],
    ],
  ],
  [
    'POST /api/v1/me/password',
    { currentPassword: 'whatever', newPassword: 'long enough password' },
    [
      ['currentPassword', 5],
      ['newPassword', 'short'],
    ],
  ],
];

/** Sets a dotted field path in a copy of the base body. */
function withField(
  base: Record<string, unknown>,
  path: string,
  value: unknown,
): Record<string, unknown> {
  const body = structuredClone(base);
  const keys = path.split('.');
  let target: Record<string, unknown> | unknown[] = body;
  for (const [i, key] of keys.entries()) {
    const last = i === keys.length - 1;
    const index = /^\d+$/u.test(key) ? Number(key) : key;
    if (last) {
      (target as Record<string | number, unknown>)[index] = value;
    } else {
      const next = /^\d+$/u.test(keys[i + 1]!) ? [] : {};
      const holder = target as Record<string | number, unknown>;
      holder[index] ??= next;
      target = holder[index] as Record<string, unknown>;
    }
  }
  return body;
}

describe('bad input', () => {
  let web: WebTower;
  let world: RedBlueWorld;
  let admin: Credentials;

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
    admin = world.sessions.admin;
  });
  afterAll(() => web.close());

  const url = (path: string) =>
    path
      .replace(':I', world.installation)
      .replace(':A', world.account)
      .replace(':N', world.natsUser)
      .replace(':T', world.red)
      .replace(':U', world.owner.userId)
      .replace(':P', world.profile);

  const stored = () => ({
    events: web.tower.log.head().seq,
    secrets: web.tower.db.prepare('SELECT count(*) FROM secrets').pluck().get(),
  });

  const cases: Case[] = CASES.flatMap(([route, base, bad]) =>
    bad.map(([field, value]) => ({ route, base, field, value })),
  );

  for (const { route, base, field, value } of cases) {
    it(`${route}: ${field} = ${JSON.stringify(value)?.slice(0, 40)} is 400 naming ${field}`, async () => {
      const [method, path] = route.split(' ') as ['POST', string];
      const before = stored();

      const response = await web.request(admin, {
        method,
        url: url(path),
        payload: withField(base, field, value),
      });

      expect(response.statusCode, response.body).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/u);
      expect(response.json()).toMatchObject({ status: 400, code: 'invalid_input', field });
      expect(stored()).toEqual(before);
    });
  }

  it.each([
    ['/api/v1/installations?limit=0', 'limit'],
    ['/api/v1/installations?limit=101', 'limit'],
    ['/api/v1/installations?limit=ten', 'limit'],
    ['/api/v1/installations?cursor=garbage', 'cursor'],
    ['/api/v1/installations?color=red', 'color'],
    ['/api/v1/events?after=-1', 'after'],
    ['/api/v1/events?type=%3Cscript%3E', 'type'],
    ['/api/v1/events?cursor=WyJ4Il0', 'cursor'],
  ])('GET %s is 400 naming %s', async (path, field) => {
    const response = await web.request(admin, { method: 'GET', url: path });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_input', field });
  });

  it.each([
    ['if-match', 'version three', 'If-Match'],
    ['idempotency-key', 'x'.repeat(201), 'Idempotency-Key'],
  ])('a bad %s header is 400 naming %s', async (header, value, field) => {
    const before = stored();
    const response = await web.request(admin, {
      method: 'PATCH',
      url: url('/api/v1/teams/:T'),
      headers: { [header]: value },
      payload: { name: 'renamed' },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_input', field });
    expect(stored()).toEqual(before);
  });

  it('refuses a JSON body that is not an object as 400 naming the body', async () => {
    const response = await web.request(admin, {
      method: 'POST',
      url: '/api/v1/teams',
      payload: [{ name: 'x' }],
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_input', field: 'body' });
  });

  it('refuses a body that is not JSON as 400 naming the body', async () => {
    const response = await web.request(admin, {
      method: 'POST',
      url: '/api/v1/teams',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_input', field: 'body' });
  });

  it('refuses a body over 64 KB with 413 before reading it', async () => {
    const response = await web.request(admin, {
      method: 'POST',
      url: '/api/v1/teams',
      payload: { name: 'x'.repeat(70 * 1024) },
    });

    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('refuses a form with too many fields with 413', async () => {
    const fields = Array.from({ length: 300 }, (_, i) => `f${i}=1`).join('&');
    const response = await web.request(admin, {
      method: 'POST',
      url: '/api/v1/teams',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: fields,
    });

    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'payload_too_large' });
  });

  it('refuses a body of another type with 415', async () => {
    const response = await web.request(admin, {
      method: 'POST',
      url: '/api/v1/teams',
      headers: { 'content-type': 'text/plain' },
      payload: 'name=x',
    });

    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ code: 'unsupported_media_type' });
  });
});
