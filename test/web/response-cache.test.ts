import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTower, type Tower } from '../../src/app/open-tower.ts';
import { StatusStore } from '../../src/publisher/installation-status.ts';
import { runCli } from '../helpers/run-cli.ts';
import { webTower, type WebTower } from '../helpers/web.ts';
import { HTMX, getPage } from './page-requests.ts';
import { redBlueWorld, type RedBlueWorld } from './red-blue-world.ts';

/** Hits and kept answers of both caches. */
function stats(web: WebTower) {
  const scopes = Object.values(web.app.web.responses).map((cache) => cache.stats());
  return {
    hits: scopes.reduce((sum, scope) => sum + scope.hits, 0),
    entries: scopes.reduce((sum, scope) => sum + scope.entries, 0),
  };
}

/**
 * Pages and API answers kept until the next commit: a kept answer is only ever served while
 * nothing has been committed since it was rendered, from this process, another connection or
 * another process, and only to the session or token it was rendered for.
 */
describe('answers kept until the next commit', () => {
  let web: WebTower;
  let world: RedBlueWorld;
  /** A second connection to the same data folder, as a CLI beside `tower serve` has. */
  let beside: Tower;
  const hits = () => stats(web).hits;

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
    beside = openTower({ dataDir: web.tower.dataDir, synchronous: 'OFF' });
  });
  afterAll(async () => {
    beside.close();
    await web.close();
  });

  it('serves a repeated page from memory, the same bytes, until a command changes it', async () => {
    const first = await getPage(web, world.sessions.admin, '/installations');
    const before = hits();
    const second = await getPage(web, world.sessions.admin, '/installations');

    expect(hits()).toBe(before + 1);
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(second.headers['content-security-policy']).toBe(
      first.headers['content-security-policy'],
    );

    await web.tower.bus.execute(
      'UpdateInstallation',
      { installationId: world.installation, description: 'changed in this process' },
      world.admin,
    );
    const third = await getPage(web, world.sessions.admin, `/installations`);
    expect(hits()).toBe(before + 1);
    expect(third.body).toContain('changed in this process');
  });

  it('sees a commit from another connection on the next request', async () => {
    await getPage(web, world.sessions.owner, `/accounts/${world.account}`);
    await getPage(web, world.sessions.owner, `/accounts/${world.account}`);

    await beside.bus.execute(
      'CreateNatsUser',
      { accountId: world.account, name: 'made-beside' },
      world.owner,
    );

    const after = await getPage(web, world.sessions.owner, `/accounts/${world.account}`);
    expect(after.body).toContain('made-beside');
  });

  it('sees a commit from another process, the CLI, on the next request', async () => {
    const before = await getPage(web, world.sessions.admin, '/admin/users');
    expect(before.body).not.toContain('cli-made@example.test');

    const added = await runCli(
      web.tower.dataDir,
      ['user', 'add', '--email', 'cli-made@example.test', '--role', 'user', '--password-stdin'],
      { input: 'a long enough password\n' },
    );
    expect(added.code, added.stderr).toBe(0);

    const after = await getPage(web, world.sessions.admin, '/admin/users');
    expect(after.body).toContain('cli-made@example.test');
  });

  it('keeps pages across session and status writes, except the pages that show the status', async () => {
    const users = await getPage(web, world.sessions.admin, '/admin/users');
    const installation = `/installations/${world.installation}`;
    await getPage(web, world.sessions.admin, installation);
    const other = await web.login('other@example.test');
    new StatusStore(web.tower.db).serversChecked(world.installation, [], 'status moved here');
    const before = hits();

    const usersAgain = await getPage(web, world.sessions.admin, '/admin/users');
    const installationAgain = await getPage(web, world.sessions.admin, installation);

    expect(hits()).toBe(before + 1);
    expect(usersAgain.body).toBe(users.body);
    expect(installationAgain.body).toContain('status moved here');
    expect((await getPage(web, other, '/installations')).statusCode).toBe(200);
  });

  it('keeps answers per session: a user never gets a page rendered for someone else', async () => {
    const owner = await getPage(web, world.sessions.owner, '/installations');
    const other = await getPage(web, world.sessions.other, '/installations');
    const ownerAgain = await getPage(web, world.sessions.owner, '/installations');

    expect(owner.body).toContain('red-prod');
    expect(other.body).not.toContain('red-prod');
    expect(other.body).toContain(world.sessions.other.csrfToken);
    expect(other.body).not.toContain(world.sessions.owner.csrfToken);
    expect(ownerAgain.body).toBe(owner.body);
  });

  it('keeps an HTMX part of a page apart from the whole page', async () => {
    const part = { ...HTMX, 'hx-target': 'installation-list' };
    await getPage(web, world.sessions.admin, '/installations?q=red', part);
    const whole = await getPage(web, world.sessions.admin, '/installations?q=red');
    const partAgain = await getPage(web, world.sessions.admin, '/installations?q=red', part);

    expect(whole.body).toContain('<!doctype html>');
    expect(partAgain.body).not.toContain('<!doctype html>');
  });

  it('serves no kept page to a user disabled from another connection', async () => {
    const victim = await web.login('other@example.test');
    expect((await getPage(web, victim, '/installations')).statusCode).toBe(200);
    expect((await getPage(web, victim, '/installations')).statusCode).toBe(200);

    await beside.bus.execute('DisableTowerUser', { userId: world.other.userId }, world.admin);

    const after = await getPage(web, victim, '/installations');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/u);
    await web.tower.bus.execute('EnableTowerUser', { userId: world.other.userId }, world.admin);
  });

  it('serves no kept answer to a token revoked from another connection', async () => {
    const token = await web.token(world.owner);
    const list = { method: 'GET' as const, url: '/api/v1/installations' };
    const first = await web.request(token, list);
    const again = await web.request(token, list);
    expect(again.statusCode).toBe(200);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.json()).toEqual(first.json());

    const tokenId = token.token.split('_')[1]!;
    await beside.bus.execute('RevokeApiToken', { tokenId }, world.owner);

    expect((await web.request(token, list)).statusCode).toBe(401);
  });

  it('keeps no error, and no route that is not marked, such as a credentials download', async () => {
    const before = stats(web);
    await getPage(web, world.sessions.owner, '/accounts/aaaaaaaaaaaaaaaa');
    await getPage(web, world.sessions.owner, '/accounts/aaaaaaaaaaaaaaaa');
    const creds = await getPage(web, world.sessions.owner, `/nats-users/${world.natsUser}/creds`);
    await getPage(web, world.sessions.owner, `/nats-users/${world.natsUser}/creds`);

    expect(creds.statusCode).toBe(200);
    expect(creds.body).toContain('NKEY SEED');
    const after = stats(web);
    expect(after.hits).toBe(before.hits);
    expect(after.entries).toBeLessThanOrEqual(before.entries);
  });
});

describe('with the cache turned off', () => {
  it('renders every request afresh', async () => {
    const web = await webTower({ responseCacheBytes: 0 });
    try {
      const admin = await web.login('admin@example.test');
      await getPage(web, admin, '/installations');
      await getPage(web, admin, '/installations');

      expect(stats(web)).toMatchObject({ hits: 0, entries: 0 });
    } finally {
      await web.close();
    }
  });
});
