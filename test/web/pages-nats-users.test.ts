import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webTower, type WebTower } from '../helpers/web.ts';
import { HOSTILE, HOSTILE_ESCAPED, HTMX, getPage, postForm } from './page-requests.ts';
import { redBlueWorld, type RedBlueWorld } from './red-blue-world.ts';

describe('NATS user pages', () => {
  let web: WebTower;
  let world: RedBlueWorld;

  const names = () =>
    web.app.web.queries.natsUsers
      .list({ userId: world.admin.userId, admin: true }, world.account)
      .items.map((user) => user.name);

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
  });
  afterAll(() => web.close());

  describe('for a user whose team sees the account', () => {
    it('lists the NATS users of the account, in the layout', async () => {
      const response = await getPage(
        web,
        world.sessions.owner,
        `/accounts/${world.account}/nats-users`,
      );

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<!doctype html>');
      expect(response.body).toContain(`href="/nats-users/${world.natsUser}"`);
    });

    it('searches by name and answers an HTMX search with the list alone', async () => {
      const response = await getPage(
        web,
        world.sessions.owner,
        `/accounts/${world.account}/nats-users?q=nothing-like-it`,
        HTMX,
      );

      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain('<!doctype html>');
      expect(response.body).toContain('No NATS user matches this search.');
    });

    it('pages through a long list', async () => {
      for (let n = 0; n < 26; n += 1) {
        const input = { accountId: world.account, name: `bulk-${String(n).padStart(2, '0')}` };
        await web.tower.bus.execute('CreateNatsUser', input, world.owner);
      }
      const first = await getPage(
        web,
        world.sessions.owner,
        `/accounts/${world.account}/nats-users?q=bulk`,
      );
      const next = /href="([^"]+cursor=[^"]+)"/u.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
      const second = await getPage(web, world.sessions.owner, next!);

      expect(first.body).toContain('bulk-24');
      expect(first.body).not.toContain('bulk-25');
      expect(second.body).toContain('bulk-25');
    });

    it('shows the create form', async () => {
      const response = await getPage(
        web,
        world.sessions.owner,
        `/accounts/${world.account}/nats-users/new`,
      );

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('name="permissions.pub.allow"');
    });

    it('creates a NATS user from the form and goes to its page (303)', async () => {
      const response = await postForm(
        web,
        world.sessions.owner,
        `/accounts/${world.account}/nats-users`,
        {
          name: 'billing',
          description: 'the billing service',
          'permissions.pub.allow': 'billing.>\nevents.billing',
          'permissions.sub.allow': '_INBOX.>',
          'permissions.responses.max': '1',
          'permissions.responses.ttlSeconds': '5',
          'limits.subscriptions': '10',
          'limits.data': '-1',
          'limits.payload': '',
          bearer: 'on',
          expiresAt: '2099-01-31T12:00',
        },
      );

      expect(response.statusCode).toBe(303);
      const id = /^\/nats-users\/([^?]+)\?done=created$/u.exec(response.headers.location!)?.[1];
      const created = web.app.web.queries.natsUsers.get(
        { userId: world.owner.userId, admin: false },
        id!,
      );
      expect(created.permissions.pub.allow).toEqual(['billing.>', 'events.billing']);
      expect(created.permissions.responses).toEqual({ max: 1, ttlSeconds: 5 });
      expect(created.limits).toEqual({ subscriptions: 10, data: -1, payload: -1 });
      expect(created.bearer).toBe(true);
      expect(created.expiresAt).toBe('2099-01-31T12:00:00Z');
    });

    it('answers an HTMX create with HX-Location into the main element', async () => {
      const response = await postForm(
        web,
        world.sessions.owner,
        `/accounts/${world.account}/nats-users`,
        { name: 'htmx-made' },
        HTMX,
      );

      expect(response.statusCode).toBe(200);
      const location = JSON.parse(response.headers['hx-location'] as string);
      expect(location.target).toBe('#main');
      expect(location.path).toMatch(/^\/nats-users\/[^/]+\?done=created$/u);
    });

    it('shows a bad subject beside its field (400) and stores nothing', async () => {
      const before = names();
      const response = await postForm(
        web,
        world.sessions.owner,
        `/accounts/${world.account}/nats-users`,
        { name: 'broken', 'permissions.sub.deny': 'ok.subject\nbad..subject' },
        HTMX,
      );

      expect(response.statusCode).toBe(400);
      expect(response.body).not.toContain('<!doctype html>');
      expect(response.body).toMatch(/id="permissions.sub.deny-error"[^>]*>[^<]*bad\.\.subject/u);
      expect(response.body).toContain('bad..subject</textarea>');
      expect(names()).toEqual(before);
    });

    it('shows a taken name and a bad number beside their fields', async () => {
      const taken = await postForm(
        web,
        world.sessions.owner,
        `/accounts/${world.account}/nats-users`,
        {
          name: 'svc',
        },
      );
      const notNumber = await postForm(
        web,
        world.sessions.owner,
        `/accounts/${world.account}/nats-users`,
        {
          name: 'numbers',
          'limits.data': 'lots',
        },
      );

      expect(taken.statusCode).toBe(409);
      expect(taken.body).toContain('id="name-error"');
      expect(notNumber.statusCode).toBe(400);
      expect(notNumber.body).toContain('id="limits.data-error"');
    });

    it('shows the NATS user with its credentials, a secret warning and the CLI context', async () => {
      const response = await getPage(web, world.sessions.owner, `/nats-users/${world.natsUser}`);

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain(`href="/nats-users/${world.natsUser}/creds"`);
      expect(response.body).toContain('class="secret"');
      expect(response.body).toContain('&quot;creds&quot;: &quot;/path/to/svc.creds&quot;');
      expect(response.body).toContain('nats://127.0.0.1:4222');
    });

    it('downloads the creds as an attachment that is never cached', async () => {
      const response = await getPage(
        web,
        world.sessions.owner,
        `/nats-users/${world.natsUser}/creds`,
      );

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-disposition']).toBe('attachment; filename="svc.creds"');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toContain('-----BEGIN NATS USER JWT-----');
      expect(response.body).toContain('-----BEGIN USER NKEY SEED-----');
    });

    it('downloads the CLI context as JSON', async () => {
      const response = await getPage(
        web,
        world.sessions.owner,
        `/nats-users/${world.natsUser}/context.json`,
      );

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-disposition']).toBe('attachment; filename="svc.json"');
      expect(JSON.parse(response.body)).toMatchObject({ url: 'nats://127.0.0.1:4222' });
    });

    it('edits, rotates and deletes a NATS user', async () => {
      const input = { accountId: world.account, name: 'short-lived' };
      const id = (await web.tower.bus.execute('CreateNatsUser', input, world.owner)).id!;
      const viewer = { userId: world.owner.userId, admin: false };
      const firstKey = web.app.web.queries.natsUsers.get(viewer, id).publicKey;

      const edited = await postForm(web, world.sessions.owner, `/nats-users/${id}`, {
        name: 'short-lived',
        description: 'edited',
        'limits.subscriptions': '5',
      });
      const rotated = await postForm(web, world.sessions.owner, `/nats-users/${id}/rotate`, {});
      const after = web.app.web.queries.natsUsers.get(viewer, id);
      const deleted = await postForm(web, world.sessions.owner, `/nats-users/${id}/delete`, {});

      expect(edited.statusCode).toBe(303);
      expect(edited.headers.location).toBe(`/nats-users/${id}?done=saved`);
      expect(after.description).toBe('edited');
      expect(after.limits.subscriptions).toBe(5);
      expect(rotated.statusCode).toBe(303);
      expect(after.publicKey).not.toBe(firstKey);
      expect(deleted.statusCode).toBe(303);
      expect(deleted.headers.location).toBe(`/accounts/${world.account}/nats-users`);
      expect(() => web.app.web.queries.natsUsers.get(viewer, id)).toThrow();
    });

    it('re-renders the edit form with the error beside the field', async () => {
      const response = await postForm(web, world.sessions.owner, `/nats-users/${world.natsUser}`, {
        name: 'svc',
        expiresAt: '2001-01-01T00:00',
      });

      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('id="expiresAt-error"');
    });
  });

  describe('for a user of another team', () => {
    it.each([
      ['the list', () => `/accounts/${world.account}/nats-users`],
      ['the create form', () => `/accounts/${world.account}/nats-users/new`],
      ['the NATS user', () => `/nats-users/${world.natsUser}`],
      ['the creds download', () => `/nats-users/${world.natsUser}/creds`],
      ['the CLI context', () => `/nats-users/${world.natsUser}/context.json`],
    ])('hides %s (404) and tells nothing of it', async (_what, url) => {
      const response = await getPage(web, world.sessions.other, url());

      expect(response.statusCode).toBe(404);
      expect(response.body).not.toContain('svc');
      expect(response.body).not.toContain('orders');
    });

    it('cannot create, rotate or delete there (404) and changes nothing', async () => {
      const before = names();
      const created = await postForm(
        web,
        world.sessions.other,
        `/accounts/${world.account}/nats-users`,
        {
          name: 'intruder',
        },
      );
      const rotated = await postForm(
        web,
        world.sessions.other,
        `/nats-users/${world.natsUser}/rotate`,
        {},
      );
      const deleted = await postForm(
        web,
        world.sessions.other,
        `/nats-users/${world.natsUser}/delete`,
        {},
      );

      expect([created.statusCode, rotated.statusCode, deleted.statusCode]).toEqual([404, 404, 404]);
      expect(names()).toEqual(before);
    });
  });

  it('lets an admin see every account’s NATS users', async () => {
    const response = await getPage(web, world.sessions.admin, `/nats-users/${world.natsUser}`);

    expect(response.statusCode).toBe(200);
  });

  it('shows names and descriptions escaped', async () => {
    const input = { accountId: world.account, name: `n${HOSTILE}`, description: HOSTILE };
    const id = (await web.tower.bus.execute('CreateNatsUser', input, world.owner)).id!;

    const list = await getPage(
      web,
      world.sessions.owner,
      `/accounts/${world.account}/nats-users?q=script`,
    );
    const page = await getPage(web, world.sessions.owner, `/nats-users/${id}`);

    for (const response of [list, page]) {
      expect(response.body).toContain(HOSTILE_ESCAPED);
      expect(response.body).not.toContain(HOSTILE);
    }
  });
});
