import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { webTower, type WebTower } from '../helpers/web.ts';
import { HOSTILE, HOSTILE_ESCAPED, HTMX, getPage, postForm } from './page-requests.ts';
import { redBlueWorld, type RedBlueWorld } from './red-blue-world.ts';

describe('audit log page', () => {
  let web: WebTower;
  let world: RedBlueWorld;

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
  });
  afterAll(() => web.close());

  it('shows an admin every event, newest first, with actor, time and what changed', async () => {
    const response = await getPage(web, world.sessions.admin, '/audit');

    expect(response.statusCode).toBe(200);
    const body = response.body;
    expect(body).toContain('Created team &quot;red&quot;');
    expect(body).toContain('Created NATS user &quot;svc&quot; in account &quot;orders&quot;');
    expect(body.indexOf('Disabled user')).toBeLessThan(
      body.indexOf('Created team &quot;red&quot;'),
    );
    expect(body).toMatch(/<td class="mono">\d{4}-\d{2}-\d{2}T/u);
    expect(body).toContain('>Administrator</a></td>');
  });

  it('shows a user only the events of what their teams see', async () => {
    const owner = await getPage(web, world.sessions.owner, '/audit');
    const other = await getPage(web, world.sessions.other, '/audit');

    expect(owner.body).toContain('Created NATS user &quot;svc&quot;');
    expect(owner.body).not.toContain('Created team');
    expect(other.body).not.toContain('svc');
    expect(other.body).not.toContain('orders');
    expect(other.body).toContain('No events match.');
  });

  it('filters by entity, actor and type', async () => {
    const byEntity = await getPage(web, world.sessions.admin, `/audit?entity=${world.natsUser}`);
    const byActor = await getPage(web, world.sessions.admin, '/audit?actor=user@example.test');
    const byType = await getPage(web, world.sessions.admin, '/audit?type=TeamCreated', HTMX);

    expect(byEntity.body).toContain('Created NATS user');
    expect(byEntity.body).not.toContain('Created team');
    expect(byActor.body).toContain('Created NATS user');
    expect(byActor.body).not.toContain('Created installation');
    expect(byType.body).not.toContain('<!doctype html>');
    expect(byType.body).toContain('Created team &quot;blue&quot;');
    expect(byType.body).not.toContain('Created NATS user');
  });

  it('shows a bad filter beside its field (400)', async () => {
    const response = await getPage(web, world.sessions.admin, '/audit?type=NoSuchEvent');

    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('id="type-error"');
  });

  it('pages to older events', async () => {
    for (let n = 0; n < 55; n += 1) {
      await web.tower.bus.execute('CreateTeam', { name: `bulk-${n}` }, world.admin);
    }
    const first = await getPage(web, world.sessions.admin, '/audit?type=TeamCreated');
    const next = /href="(\/audit\?cursor=[^"]+)"/u.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    const second = await getPage(web, world.sessions.admin, next!);

    expect(first.body).toContain('bulk-54');
    expect(first.body).not.toContain('&quot;red&quot;');
    expect(second.body).toContain('Created team &quot;red&quot;');
  });

  it('shows names escaped', async () => {
    await web.tower.bus.execute('CreateTeam', { name: HOSTILE }, world.admin);
    const input = { accountId: world.account, name: `n${HOSTILE}`, description: HOSTILE };
    await web.tower.bus.execute('CreateNatsUser', input, world.owner);

    const admin = await getPage(web, world.sessions.admin, '/audit');
    const owner = await getPage(web, world.sessions.owner, '/audit');

    for (const response of [admin, owner]) {
      expect(response.body).toContain(HOSTILE_ESCAPED);
      expect(response.body).not.toContain(HOSTILE);
    }
  });
});

describe('profile page', () => {
  let web: WebTower;
  let world: RedBlueWorld;

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
  });
  afterAll(() => web.close());

  it('shows who you are and your teams', async () => {
    const response = await getPage(web, world.sessions.owner, '/profile');

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('user@example.test');
    expect(response.body).toContain('<dd>red</dd>');
  });

  it('changes your password and ends your other sessions', async () => {
    const input = {
      email: 'changer@example.test',
      displayName: 'Changer',
      role: 'user',
      password: TEST_PASSWORD,
    };
    await web.tower.bus.execute('CreateTowerUser', input, world.admin);
    const user = await web.login('changer@example.test');
    const second = await web.login('changer@example.test');

    const response = await postForm(web, user, '/profile/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a-brand-new-password',
    });
    const stillIn = await getPage(web, user, '/profile');
    const ended = await getPage(web, second, '/profile');

    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/profile?done=password');
    expect(stillIn.statusCode).toBe(200);
    expect(ended.statusCode).toBe(303);
    await expect(web.login('changer@example.test', 'a-brand-new-password')).resolves.toBeTruthy();
  });

  it('shows a wrong current password beside its field (400)', async () => {
    const response = await postForm(web, world.sessions.owner, '/profile/password', {
      currentPassword: 'not-the-password',
      newPassword: 'a-brand-new-password',
    });

    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('id="currentPassword-error"');
  });

  it('creates an API token, shows it once, and the token works', async () => {
    const response = await postForm(web, world.sessions.owner, '/profile/tokens', {
      name: 'ci',
      expiresAt: '2099-06-01T00:00',
    });
    const token = /<pre id="new-token">(tower_[^<]+)<\/pre>/u.exec(response.body)?.[1];
    const api = await web.request(
      { kind: 'token', token: token! },
      { method: 'GET', url: '/api/v1/me' },
    );
    const later = await getPage(web, world.sessions.owner, '/profile');

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('data-copy="new-token"');
    expect(response.body).toContain('shown this once');
    expect(api.statusCode).toBe(200);
    expect(later.body).toContain('<td>ci</td>');
    expect(later.body).not.toContain(token!);
  });

  it('shows a past expiry beside its field and makes no token', async () => {
    const before = web.app.web.queries.apiTokens.list({ userId: world.owner.userId, admin: false });
    const response = await postForm(
      web,
      world.sessions.owner,
      '/profile/tokens',
      { name: 'old', expiresAt: '2001-01-01T00:00' },
      HTMX,
    );
    const after = web.app.web.queries.apiTokens.list({ userId: world.owner.userId, admin: false });

    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('id="expiresAt-error"');
    expect(after.items.length).toBe(before.items.length);
  });

  it("revokes your token, and another user's token is hidden (404)", async () => {
    const { token } = await web.token(world.owner);
    const tokenId = token.split('_')[1]!;

    const foreign = await postForm(
      web,
      world.sessions.other,
      `/profile/tokens/${tokenId}/revoke`,
      {},
    );
    const revoked = await postForm(
      web,
      world.sessions.owner,
      `/profile/tokens/${tokenId}/revoke`,
      {},
    );
    const api = await web.request({ kind: 'token', token }, { method: 'GET', url: '/api/v1/me' });

    expect(foreign.statusCode).toBe(404);
    expect(revoked.statusCode).toBe(303);
    expect(api.statusCode).toBe(401);
  });

  it('shows token names escaped', async () => {
    const response = await postForm(web, world.sessions.owner, '/profile/tokens', {
      name: HOSTILE,
    });

    expect(response.body).toContain(HOSTILE_ESCAPED);
    expect(response.body).not.toContain(HOSTILE);
  });
});
