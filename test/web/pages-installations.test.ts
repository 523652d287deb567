import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installationConfig } from '../../src/signer/installation-config.ts';
import { webTower, type WebTower } from '../helpers/web.ts';
import { HOSTILE, HOSTILE_ESCAPED, HTMX, getPage, postForm } from './page-requests.ts';
import { redBlueWorld, type RedBlueWorld } from './red-blue-world.ts';

/** The text of an element with this id, as a browser would show it. */
function textOf(html: string, id: string): string {
  const match = new RegExp(`<pre id="${id}">([\\s\\S]*?)</pre>`, 'u').exec(html);
  if (!match) throw new Error(`no <pre id="${id}">`);
  return match[1]!
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}

const ADMIN_CONTROLS = ['+ Add installation', 'data-open-dialog="server-settings"', '/delete'];

describe('installation pages', () => {
  let web: WebTower;
  let world: RedBlueWorld;
  const admin = () => world.sessions.admin;
  const allInstallations = () =>
    web.app.web.queries.installations.list({ userId: world.admin.userId, admin: true }).items;

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
  });
  afterAll(() => web.close());

  describe('for an admin', () => {
    it('lists installations with URLs, teams and status, and the add button first', async () => {
      const response = await getPage(web, admin(), '/installations');

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<!doctype html>');
      expect(response.body).toContain(`href="/installations/${world.installation}"`);
      expect(response.body).toContain('nats://127.0.0.1:4222');
      expect(response.body).toContain('red');
      expect(response.body).toContain('badge down');
      const main = response.body.slice(response.body.indexOf('<main'));
      expect(main.indexOf('+ Add installation')).toBeLessThan(main.indexOf('installation-list'));
      expect(response.body).toContain('<dialog id="add-installation"');
    });

    it('answers an HTMX search with the list alone', async () => {
      const response = await getPage(web, admin(), '/installations?q=nothing-like-it', {
        ...HTMX,
        'hx-target': 'installation-list',
      });

      expect(response.statusCode).toBe(200);
      expect(response.body).not.toContain('<!doctype html>');
      expect(response.body.trimStart()).toMatch(/^<div id="installation-list">/u);
      expect(response.body).toContain('No installation matches');
    });

    it('shows the installation page with status, accounts and every admin form', async () => {
      const response = await getPage(web, admin(), `/installations/${world.installation}`);

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('red-prod');
      expect(response.body).toContain(`href="/accounts/${world.account}"`);
      expect(response.body).toContain('unreachable');
      expect(response.body).toContain('Until the settings are added');
      for (const action of ['', '/teams', '/delete']) {
        expect(response.body).toContain(`action="/installations/${world.installation}${action}"`);
      }
      expect(response.body).toContain('every team sees this installation');
      expect(response.body).toMatch(/name="_csrf" value="[^"]+"/u);
    });

    it('shows the Key dialog next to the URLs with exactly the server settings', async () => {
      const response = await getPage(web, admin(), `/installations/${world.installation}`);
      const config = installationConfig(web.tower.db, web.tower.jwts, world.installation);

      const urls = response.body.indexOf('nats://127.0.0.1:4222');
      const key = response.body.indexOf('data-open-dialog="server-settings"');
      expect(key).toBeGreaterThan(urls);
      expect(key - urls).toBeLessThan(300);
      expect(textOf(response.body, 'operator-conf')).toBe(config.operatorConf);
      expect(textOf(response.body, 'server-conf')).toBe(config.serverConf);
      expect(response.body).toContain('data-copy="operator-conf"');
      expect(response.body).toContain(`href="/installations/${world.installation}/server.conf"`);
    });

    it('downloads operator.conf and server.conf as attachments', async () => {
      const config = installationConfig(web.tower.db, web.tower.jwts, world.installation);
      for (const [file, text] of [
        ['operator.conf', config.operatorConf],
        ['server.conf', config.serverConf],
      ] as const) {
        const response = await getPage(
          web,
          admin(),
          `/installations/${world.installation}/${file}`,
        );
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-disposition']).toBe(`attachment; filename="${file}"`);
        expect(response.body).toBe(text);
      }
    });

    it('creates an installation from the form and redirects to its page', async () => {
      const response = await postForm(web, admin(), '/installations', {
        name: 'stage',
        urls: 'nats://stage-1:4222\r\nnats://stage-2:4222\r\n',
        description: 'for testing',
        teams: [world.red, world.blue],
      });

      const created = allInstallations().find((installation) => installation.name === 'stage');
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/installations/${created?.id}`);
      expect(created).toMatchObject({
        urls: ['nats://stage-1:4222', 'nats://stage-2:4222'],
        description: 'for testing',
      });
      expect(created?.teams.sort()).toEqual([world.red, world.blue].sort());
    });

    it('answers an HTMX create with a partial navigation to the new page', async () => {
      const response = await postForm(
        web,
        admin(),
        '/installations',
        { name: 'htmx-made', urls: 'nats://h:4222' },
        HTMX,
      );

      const created = allInstallations().find((installation) => installation.name === 'htmx-made');
      expect(response.statusCode).toBe(200);
      expect(JSON.parse(response.headers['hx-location'] as string)).toEqual({
        path: `/installations/${created?.id}`,
        target: '#main',
      });
    });

    it('re-renders the form with the error beside the field and stores nothing', async () => {
      const head = web.tower.log.head().seq;

      const plain = await postForm(web, admin(), '/installations', {
        name: 'bad-urls',
        urls: 'http://not-nats',
      });
      const htmx = await postForm(
        web,
        admin(),
        '/installations',
        { name: 'red-prod', urls: 'nats://x:4222' },
        HTMX,
      );

      expect(plain.statusCode).toBe(400);
      expect(plain.body).toContain('<!doctype html>');
      expect(plain.body).toMatch(/<\/textarea>\s*<span class="field-error" id="urls-error"/u);
      expect(plain.body).toContain('value="bad-urls"');
      expect(htmx.statusCode).toBe(409);
      expect(htmx.body).not.toContain('<!doctype html>');
      expect(htmx.body).toMatch(/name="name"[^>]*>\s*<span class="field-error" id="name-error"/u);
      expect(web.tower.log.head().seq).toBe(head);
    });

    it('edits, reassigns and deletes an installation through its forms', async () => {
      const id = (
        await web.tower.bus.execute(
          'CreateInstallation',
          { name: 'short-lived', urls: ['nats://s:4222'] },
          world.admin,
        )
      ).id!;

      const edit = await postForm(web, admin(), `/installations/${id}`, {
        name: 'renamed',
        urls: 'nats://s:4222\nnats://t:4222',
        description: 'changed',
      });
      const teams = await postForm(web, admin(), `/installations/${id}/teams`, {
        teams: world.blue,
      });
      const after = web.app.web.queries.installations.get(
        { userId: world.admin.userId, admin: true },
        id,
      );
      const deleted = await postForm(web, admin(), `/installations/${id}/delete`, {});

      expect([edit.statusCode, teams.statusCode, deleted.statusCode]).toEqual([303, 303, 303]);
      expect(after).toMatchObject({ name: 'renamed', description: 'changed', teams: [world.blue] });
      expect(after.urls).toEqual(['nats://s:4222', 'nats://t:4222']);
      expect(deleted.headers.location).toBe('/installations');
      expect(allInstallations().some((installation) => installation.id === id)).toBe(false);
    });

    it('refuses to delete an installation with accounts, saying why on the page', async () => {
      const response = await postForm(
        web,
        admin(),
        `/installations/${world.installation}/delete`,
        {},
      );

      expect(response.statusCode).toBe(409);
      expect(response.body).toContain('delete them first');
    });

    it('shows markup in a name or description escaped on the list and the page', async () => {
      const id = (
        await web.tower.bus.execute(
          'CreateInstallation',
          { name: `evil ${HOSTILE}`.slice(0, 100), urls: ['nats://e:4222'], description: HOSTILE },
          world.admin,
        )
      ).id!;

      for (const url of [
        '/installations',
        `/installations/${id}`,
        `/installations/${id}/dashboard`,
      ]) {
        const response = await getPage(web, admin(), url);
        expect(response.statusCode).toBe(200);
        expect(response.body).not.toContain(HOSTILE);
        expect(response.body).toContain(HOSTILE_ESCAPED);
      }
    });
  });

  describe('for users', () => {
    it('answers 404 for an installation hidden from the user, and its settings', async () => {
      for (const path of ['', '/dashboard', '/operator.conf', '/accounts/new']) {
        const response = await getPage(
          web,
          world.sessions.other,
          `/installations/${world.installation}${path}`,
        );
        expect(response.statusCode).toBe(404);
        expect(response.body).not.toContain('red-prod');
      }
      const list = await getPage(web, world.sessions.other, '/installations');
      expect(list.body).not.toContain('red-prod');
    });

    it('shows a visible installation without any admin control or the settings', async () => {
      const page = await getPage(web, world.sessions.owner, `/installations/${world.installation}`);
      const list = await getPage(web, world.sessions.owner, '/installations');
      const conf = await getPage(
        web,
        world.sessions.owner,
        `/installations/${world.installation}/operator.conf`,
      );

      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('red-prod');
      for (const control of ADMIN_CONTROLS) {
        expect(page.body).not.toContain(control);
        expect(list.body).not.toContain(control);
      }
      expect(page.body).not.toContain('operator =');
      expect(page.body).not.toContain('+ New account');
      expect(conf.statusCode).toBe(403);
    });

    it('lists only the waiting accounts a user may see on the installation page', async () => {
      const { id: hidden } = await web.tower.bus.execute(
        'CreateAccount',
        { installationId: world.installation, name: 'blue-secret', teams: [world.blue] },
        world.admin,
      );
      try {
        const path = `/installations/${world.installation}`;
        const byOwner = (await getPage(web, world.sessions.owner, path)).body;
        const byAdmin = (await getPage(web, admin(), path)).body;
        const waitingPart = (html: string) => html.slice(html.indexOf('Not yet published'));

        expect(waitingPart(byOwner)).toContain('orders');
        expect(byOwner).not.toContain('blue-secret');
        expect(waitingPart(byAdmin)).toContain('blue-secret');
      } finally {
        await web.tower.bus.execute('DeleteAccount', { accountId: hidden! }, world.admin);
      }
    });

    it('shows the list status of each installation, and counts waiting accounts to admins only', async () => {
      const waiting = web.tower.db
        .prepare(
          `SELECT count(*) FROM outbox WHERE installation_id = ? AND state IN ('pending', 'failed')`,
        )
        .pluck()
        .get(world.installation) as number;
      expect(waiting).toBeGreaterThan(0);
      const row = (html: string) => {
        const start = html.indexOf(`href="/installations/${world.installation}"`);
        return html.slice(start, html.indexOf('</tr>', start));
      };

      const byAdmin = row((await getPage(web, admin(), '/installations')).body);
      const byOwner = row((await getPage(web, world.sessions.owner, '/installations')).body);
      expect(byAdmin).toContain(`${waiting} not published`);
      expect(byOwner).toContain('badge down');
      expect(byOwner).not.toContain('not published');

      web.tower.db
        .prepare(
          `INSERT INTO installation_status (installation_id, reachable, checked_at)
           VALUES (?, 1, ?) ON CONFLICT (installation_id) DO UPDATE SET reachable = 1`,
        )
        .run(world.installation, new Date().toISOString());
      try {
        const reachable = row((await getPage(web, world.sessions.owner, '/installations')).body);
        expect(reachable).toContain('badge ok');
      } finally {
        web.tower.db
          .prepare('DELETE FROM installation_status WHERE installation_id = ?')
          .run(world.installation);
      }
    });

    it('refuses a user who posts the create form, and stores nothing', async () => {
      const head = web.tower.log.head().seq;

      const response = await postForm(web, world.sessions.owner, '/installations', {
        name: 'sneaky',
        urls: 'nats://s:4222',
      });

      expect(response.statusCode).toBe(403);
      expect(web.tower.log.head().seq).toBe(head);
    });
  });

  describe('dashboard', () => {
    it('says the server settings are missing while the installation is unreachable', async () => {
      for (const session of [admin(), world.sessions.owner]) {
        const response = await getPage(
          web,
          session,
          `/installations/${world.installation}/dashboard`,
        );
        expect(response.statusCode).toBe(200);
        expect(response.body).toContain('id="settings-missing"');
        expect(response.body).toContain('Until the settings are added');
      }
      const adminPage = await getPage(
        web,
        admin(),
        `/installations/${world.installation}/dashboard`,
      );
      expect(adminPage.body).toContain(`href="/installations/${world.installation}#key"`);
    });

    it('polls its live part every 5 seconds, which answers HTMX with the part alone', async () => {
      const page = await getPage(web, admin(), `/installations/${world.installation}/dashboard`);
      const live = await getPage(
        web,
        admin(),
        `/installations/${world.installation}/dashboard/live`,
        HTMX,
      );

      expect(page.body).toContain(
        `hx-get="/installations/${world.installation}/dashboard/live" hx-trigger="every 5s"`,
      );
      expect(live.statusCode).toBe(200);
      expect(live.body.trimStart()).toMatch(/^<div id="dashboard-live"/u);
      expect(live.body).toContain(`href="/accounts/${world.account}"`);
    });
  });
});
