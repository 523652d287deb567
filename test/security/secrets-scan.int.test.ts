import { parseApiToken } from '../../src/web/api-token-format.ts';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mirror } from '../../src/mirror/mirror.ts';
import { readWholeStream } from '../../src/mirror/stream-reader.ts';
import { EVENTS_STREAM, KEYSTORE_STREAM } from '../../src/mirror/streams.ts';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.ts';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { sessionCookie, webTower, type Credentials, type WebTower } from '../helpers/web.ts';
import { caughtUp, connectPlain, natsConfig, startTestMirror } from '../mirror/mirror-fixture.ts';
import { getPage, postForm } from '../web/page-requests.ts';
import { concretePath, type PageIds } from './page-paths.ts';
import { registeredRoutes } from './route-census.ts';

/** Any nkey seed: operator, account or user. */
const SEED = /S[OAU][A-Z2-7]{56}/gu;

/**
 * The downloads whose purpose is to hand over a seed; nothing else may. (The NATS context
 * download only points at the creds file, so it is searched like any page.)
 */
const SEED_DOWNLOADS = /\/creds$/u;

const CSRF = 'a CSRF token';

const PASSWORDS = {
  created: 'Created-user-pass-4711',
  reset: 'Reset-by-admin-pass-0815',
  changedInPage: 'Changed-in-page-pass-42',
  changedInApi: 'Changed-in-api-pass-4242',
  wrongGuess: 'Wrong-guess-pass-1234',
};

/**
 * The whole life of the secrets Tower handles, in-process: NATS users made in the pages and the
 * API, their creds downloaded and rotated, tokens made in both, passwords set, reset, changed and
 * guessed wrong. Then every place that must never hold a secret is searched for every one.
 */
describe('secrets after a full run never reach the log, the ledger, the logs, the pages or NATS', () => {
  let web: WebTower;
  let server: NatsServer;
  let mirror: Mirror;
  let nc: NatsConnection;
  /** Every secret the run handled, by what it is. */
  const secrets = new Map<string, string>();
  let ids: PageIds;
  let credsFile = '';
  let viewers: Record<'admin' | 'user', Credentials & { kind: 'session' }>;

  const remember = (what: string, secret: string) => {
    expect(secret.length, what).toBeGreaterThanOrEqual(12);
    secrets.set(secret, what);
  };
  const seedsIn = (text: string, what: string) => {
    const found = text.match(SEED) ?? [];
    expect(found.length, `${what} holds a seed`).toBeGreaterThan(0);
    for (const seed of found) remember(`seed from ${what}`, seed);
  };

  beforeAll(async () => {
    server = await startNatsServer({ jetstream: true });
    web = await webTower();
    ({ mirror } = startTestMirror(web.tower, natsConfig({ urls: [server.url] })));
    nc = await connectPlain(server.url);
    Object.values(PASSWORDS).forEach((password) => remember('a password', password));
    remember('the test password', TEST_PASSWORD);

    const admin = await web.login('admin@example.test');
    const user = await web.login('user@example.test');
    remember('a session id', admin.cookie.split('=')[1]!);
    remember(CSRF, admin.csrfToken);
    const idOf = (location: unknown) => String(location).split('?')[0]!.split('/').at(-1)!;

    const team = await postForm(web, admin, '/admin/teams', { name: 'ops' });
    expect(team.statusCode).toBe(303);
    const idByName = (table: string, name: string) =>
      (web.tower.db.prepare(`SELECT id FROM ${table} WHERE name = ?`).get(name) as { id: string })
        .id;
    const teamId = idByName('teams', 'ops');
    await web.tower.bus.execute(
      'SetTeamMembers',
      { teamId, users: [web.tower.user.userId] },
      web.tower.admin,
    );

    const installation = await postForm(web, admin, '/installations', {
      name: 'prod',
      urls: 'nats://127.0.0.1:4222',
      teams: teamId,
    });
    const installationId = idOf(installation.headers.location);
    const account = await postForm(web, admin, `/installations/${installationId}/accounts`, {
      name: 'orders',
      teams: teamId,
    });
    expect(account.statusCode).toBe(303);
    const accountId = idOf(account.headers.location);

    const viaPage = await postForm(web, user, `/accounts/${accountId}/nats-users`, { name: 'svc' });
    expect(viaPage.statusCode).toBe(303);
    const natsUserId = idOf(viaPage.headers.location);
    const pageCreds = await getPage(web, user, `/nats-users/${natsUserId}/creds`);
    expect(pageCreds.statusCode, pageCreds.body.slice(0, 300)).toBe(200);
    seedsIn(pageCreds.body, 'page creds');
    expect((await postForm(web, user, `/nats-users/${natsUserId}/rotate`, {})).statusCode).toBe(
      303,
    );
    seedsIn((await getPage(web, user, `/nats-users/${natsUserId}/creds`)).body, 'rotated creds');

    const userToken = await web.token(web.tower.user);
    remember('an API token', userToken.token);
    const viaApi = await web.request(userToken, {
      method: 'POST',
      url: `/api/v1/accounts/${accountId}/nats-users`,
      payload: { name: 'worker' },
    });
    expect(viaApi.statusCode).toBe(201);
    const apiCreds = await web.request(userToken, {
      method: 'GET',
      url: `/api/v1/nats-users/${viaApi.json().id}/creds`,
    });
    seedsIn(apiCreds.body, 'API creds');
    credsFile = apiCreds.body;

    const shownOnce = await postForm(web, user, '/profile/tokens', { name: 'ci' });
    const pageToken = /<pre id="new-token">([^<]+)<\/pre>/u.exec(shownOnce.body)?.[1];
    expect(pageToken).toMatch(/^tower_/u);
    remember('a token made in the page', pageToken!);
    // The secret is base64url and may itself hold underscores: parse, never split.
    remember('the secret of a token', parseApiToken(pageToken!)!.secret);
    const apiToken = await web.request(userToken, {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'deploy' },
    });
    remember('a token made in the API', apiToken.json().token);

    const created = await postForm(web, admin, '/admin/users', {
      email: 'carol@example.test',
      displayName: 'Carol',
      role: 'user',
      password: PASSWORDS.created,
    });
    expect(created.statusCode).toBe(303);
    const carol = web.tower.reader.towerUserByEmail('carol@example.test')!;
    const adminToken = await web.token(web.tower.admin);
    const reset = await web.request(adminToken, {
      method: 'PATCH',
      url: `/api/v1/users/${carol.id}`,
      payload: { password: PASSWORDS.reset },
    });
    expect(reset.statusCode).toBe(200);
    const wrong = await web.app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: 'carol@example.test', password: PASSWORDS.wrongGuess },
    });
    expect(wrong.statusCode).toBe(401);
    const asCarol = await web.login('carol@example.test', PASSWORDS.reset);
    const changed = await postForm(web, asCarol, '/profile/password', {
      currentPassword: PASSWORDS.reset,
      newPassword: PASSWORDS.changedInPage,
    });
    expect(changed.statusCode).toBe(303);
    const carolToken = await web.token({ userId: carol.id, role: 'user' });
    const changedInApi = await web.request(carolToken, {
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: PASSWORDS.changedInPage, newPassword: PASSWORDS.changedInApi },
    });
    expect(changedInApi.statusCode).toBe(204);
    const formLogin = await web.app.inject({
      method: 'POST',
      url: '/login',
      payload: new URLSearchParams({
        email: 'carol@example.test',
        password: PASSWORDS.changedInApi,
      }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(formLogin.statusCode).toBe(303);
    remember('a session id', sessionCookie(formLogin).split('=')[1]!);

    const profile = await postForm(web, admin, '/admin/limit-profiles', { name: 'small' });
    expect(profile.statusCode).toBe(303);

    ids = {
      installation: installationId,
      account: accountId,
      natsUser: natsUserId,
      team: teamId,
      profile: idByName('limit_profiles', 'small'),
      user: carol.id,
      token: pageToken!.split('_')[1]!,
    };
    viewers = { admin, user };
    await caughtUp(mirror);
  });

  afterAll(async () => {
    await mirror?.stop();
    await nc?.close();
    await web?.close();
    await server?.stop();
  });

  /**
   * Names every secret, seed or password hash found in a text. A page carries its own session's
   * CSRF token by design, so pages are searched with `pagesMayShow`.
   */
  function leaks(text: string, pagesMayShow = false): string[] {
    const found = [...secrets]
      .filter(([secret, what]) => text.includes(secret) && !(pagesMayShow && what === CSRF))
      .map(([, what]) => what);
    if (SEED.test(text)) found.push('an nkey seed');
    SEED.lastIndex = 0;
    if (text.includes('scrypt$')) found.push('a password hash');
    return found;
  }

  it('handled the secrets it is meant to search for', () => {
    expect(secrets.size).toBeGreaterThanOrEqual(15);
    // The search finds what it looks for: a creds file is nothing but secrets.
    expect(leaks(credsFile)).toContain('an nkey seed');
  });

  it('keeps every secret out of the event log and the command ledger', () => {
    const events = web.tower.db.prepare('SELECT * FROM events').all();
    const commands = web.tower.db.prepare('SELECT * FROM commands').all();
    expect(events.length).toBeGreaterThan(10);
    expect(leaks(JSON.stringify(events))).toEqual([]);
    expect(leaks(JSON.stringify(commands))).toEqual([]);
  });

  it('keeps every secret out of the log lines', () => {
    expect(web.logLines.length).toBeGreaterThan(20);
    expect(leaks(web.logText())).toEqual([]);
  });

  it('keeps every secret out of every page and every API read but the creds downloads', async () => {
    const routes = registeredRoutes(web.app).filter((route) => route.method === 'GET');
    const paths = routes
      .map((route) => concretePath(route.path, ids))
      .filter((path) => !SEED_DOWNLOADS.test(path));
    let scanned = 0;
    for (const viewer of ['admin', 'user'] as const) {
      for (const path of paths) {
        const response = await getPage(web, viewers[viewer], path);
        scanned += 1;
        expect(leaks(response.body, true), `${viewer} ${path}`).toEqual([]);
      }
    }
    expect(scanned).toBeGreaterThan(80);
  });

  it('keeps every secret out of the TOWER_EVENTS stream, and only sealed seeds in TOWER_KEYSTORE', async () => {
    let events = '';
    for await (const msg of readWholeStream(nc, EVENTS_STREAM)) events += `${msg.string()}\n`;
    expect(events.split('\n').length).toBeGreaterThan(10);
    expect(leaks(events)).toEqual([]);

    let sealed = '';
    for await (const msg of readWholeStream(nc, KEYSTORE_STREAM)) sealed += `${msg.string()}\n`;
    expect(sealed.length).toBeGreaterThan(0);
    expect(leaks(sealed)).toEqual([]);
  });
});
