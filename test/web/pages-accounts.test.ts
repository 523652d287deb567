import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webTower, type WebTower } from '../helpers/web.ts';
import { HOSTILE, HOSTILE_ESCAPED, HTMX, getPage, postForm } from './page-requests.ts';
import { redBlueWorld, type RedBlueWorld } from './red-blue-world.ts';

const ADMIN_CONTROLS = ['/delete', '/limits', '/teams', '+ New account', 'Save limits'];

describe('account pages', () => {
  let web: WebTower;
  let world: RedBlueWorld;
  const admin = () => world.sessions.admin;
  const asAdmin = () => ({ userId: world.admin.userId, admin: true });
  const accountNamed = (name: string) =>
    web.app.web.queries.accounts
      .list(asAdmin(), world.installation, { search: name })
      .items.find((account) => account.name === name);

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
  });
  afterAll(() => web.close());

  describe('for an admin', () => {
    it('shows the account: limits, publication, teams, NATS users and every admin form', async () => {
      const response = await getPage(web, admin(), `/accounts/${world.account}`);

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<!doctype html>');
      expect(response.body).toContain('orders');
      expect(response.body).toContain('badge pending');
      expect(response.body).toContain(`href="/accounts/${world.account}/nats-users"`);
      expect(response.body).toContain(`href="/nats-users/${world.natsUser}"`);
      expect(response.body).toContain('Live usage appears once Tower reaches the installation');
      for (const action of ['', '/teams', '/limits', '/delete']) {
        expect(response.body).toContain(`action="/accounts/${world.account}${action}"`);
      }
      expect(response.body).toContain('data-confirm="Delete account orders');
      expect(response.body).toContain('fixed in 2.11');
    });

    it('lists the accounts on the installation page and answers an HTMX search alone', async () => {
      const page = await getPage(web, admin(), `/installations/${world.installation}`);
      const search = await getPage(web, admin(), `/installations/${world.installation}?q=ord`, {
        ...HTMX,
        'hx-target': 'account-list',
      });

      expect(page.body).toContain(`href="/installations/${world.installation}/accounts/new"`);
      expect(search.statusCode).toBe(200);
      expect(search.body.trimStart()).toMatch(/^<div id="account-list">/u);
      expect(search.body).toContain(`href="/accounts/${world.account}"`);
    });

    it('offers every limit, the profiles and the 2.9 connection warning on the create form', async () => {
      const response = await getPage(
        web,
        admin(),
        `/installations/${world.installation}/accounts/new`,
      );

      expect(response.statusCode).toBe(200);
      for (const name of [
        'limits.connections',
        'limits.leafNodes',
        'limits.subscriptions',
        'limits.payload',
        'limits.data',
        'limits.imports',
        'limits.exports',
        'limits.wildcardExports',
        'limits.jetstream.memoryStorage',
        'limits.jetstream.diskStorage',
        'limits.jetstream.streams',
        'limits.jetstream.consumers',
        'limits.jetstream.maxAckPending',
        'limits.jetstream.memoryMaxStreamBytes',
        'limits.jetstream.diskMaxStreamBytes',
        'limits.jetstream.maxBytesRequired',
      ]) {
        expect(response.body).toContain(`name="${name}"`);
      }
      expect(response.body).toContain(`<option value="${world.profile}"`);
      expect(response.body).toContain('<strong>-1</strong> for unlimited');
      expect(response.body).toMatch(/name="limits.connections"[\s\S]{0,600}fixed in 2\.11/u);
    });

    it('creates an account with teams and explicit limits and redirects to its page', async () => {
      const response = await postForm(
        web,
        admin(),
        `/installations/${world.installation}/accounts`,
        {
          name: 'billing',
          description: 'invoices',
          teams: [world.red],
          limitProfileId: 'none',
          'limits.connections': '50',
          'limits.jetstream.diskStorage': '-1',
          'limits.wildcardExports': 'false',
          'limits.subscriptions': '',
        },
      );

      const created = accountNamed('billing');
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/accounts/${created?.id}`);
      expect(created).toMatchObject({
        description: 'invoices',
        teams: [world.red],
        limitProfileId: null,
        limits: { connections: 50, wildcardExports: false, jetstream: { diskStorage: -1 } },
      });
    });

    it('answers an HTMX create with a partial navigation to the new account', async () => {
      const response = await postForm(
        web,
        admin(),
        `/installations/${world.installation}/accounts`,
        { name: 'htmx-account', limitProfileId: world.profile },
        HTMX,
      );

      const created = accountNamed('htmx-account');
      expect(response.statusCode).toBe(200);
      expect(created?.limitProfileId).toBe(world.profile);
      expect(JSON.parse(response.headers['hx-location'] as string)).toMatchObject({
        path: `/accounts/${created?.id}`,
      });
    });

    it('re-renders the form with the error beside the limit field and stores nothing', async () => {
      const head = web.tower.log.head().seq;
      const url = `/installations/${world.installation}/accounts`;

      const plain = await postForm(web, admin(), url, {
        name: 'bad-limits',
        'limits.jetstream.streams': 'many',
      });
      const htmx = await postForm(web, admin(), url, { name: 'ok', 'limits.payload': '-5' }, HTMX);

      expect(plain.statusCode).toBe(400);
      expect(plain.body).toContain('<!doctype html>');
      expect(plain.body).toMatch(
        /name="limits.jetstream.streams" inputmode="numeric" value="many"[\s\S]{0,300}class="field-error" id="limits.jetstream.streams-error"/u,
      );
      expect(htmx.statusCode).toBe(400);
      expect(htmx.body.trimStart()).toMatch(/^<form class="form" id="account-form"/u);
      expect(htmx.body).toContain('id="limits.payload-error"');
      expect(web.tower.log.head().seq).toBe(head);
    });

    it('changes name, teams and limits, and deletes the account through its forms', async () => {
      const id = (
        await web.tower.bus.execute(
          'CreateAccount',
          { installationId: world.installation, name: 'temp' },
          world.admin,
        )
      ).id!;

      const edit = await postForm(web, admin(), `/accounts/${id}`, {
        name: 'temp-2',
        description: 'now described',
      });
      const teams = await postForm(web, admin(), `/accounts/${id}/teams`, { teams: world.blue });
      const limits = await postForm(web, admin(), `/accounts/${id}/limits`, {
        limitProfileId: world.profile,
        'limits.connections': '7',
      });
      const after = web.app.web.queries.accounts.get(asAdmin(), id);
      const badLimits = await postForm(web, admin(), `/accounts/${id}/limits`, {
        limitProfileId: 'none',
        'limits.connections': 'x',
      });
      const deleted = await postForm(web, admin(), `/accounts/${id}/delete`, {});

      expect([edit.statusCode, teams.statusCode, limits.statusCode]).toEqual([303, 303, 303]);
      expect(after).toMatchObject({
        name: 'temp-2',
        description: 'now described',
        teams: [world.blue],
        limitProfileId: world.profile,
        limits: { connections: 7 },
      });
      expect(after.effectiveLimits.connections).toBe(7);
      expect(badLimits.statusCode).toBe(400);
      expect(badLimits.body).toContain('id="limits.connections-error"');
      expect(deleted.statusCode).toBe(303);
      expect(deleted.headers.location).toBe(`/installations/${world.installation}`);
      expect(() => web.app.web.queries.accounts.get(asAdmin(), id)).toThrow();
    });

    it('shows markup in an account name or description escaped wherever it appears', async () => {
      const id = (
        await web.tower.bus.execute(
          'CreateAccount',
          { installationId: world.installation, name: `x ${HOSTILE}`, description: HOSTILE },
          world.admin,
        )
      ).id!;

      for (const url of [
        `/accounts/${id}`,
        `/installations/${world.installation}`,
        `/installations/${world.installation}/dashboard`,
      ]) {
        const response = await getPage(web, admin(), url);
        expect(response.statusCode).toBe(200);
        expect(response.body).not.toContain(HOSTILE);
        expect(response.body).toContain(HOSTILE_ESCAPED);
      }
    });
  });

  describe('for users', () => {
    it('answers 404 for an account hidden from the user', async () => {
      for (const path of ['', '/limits']) {
        const response = await getPage(
          web,
          world.sessions.other,
          `/accounts/${world.account}${path}`,
        );
        expect(response.statusCode).toBe(404);
        expect(response.body).not.toContain('orders');
      }
    });

    it('shows a visible account without admin controls, linking to its NATS users', async () => {
      const response = await getPage(web, world.sessions.owner, `/accounts/${world.account}`);
      const form = await getPage(
        web,
        world.sessions.owner,
        `/installations/${world.installation}/accounts/new`,
      );

      expect(response.statusCode).toBe(200);
      expect(response.body).toContain(`href="/accounts/${world.account}/nats-users"`);
      for (const control of ADMIN_CONTROLS) expect(response.body).not.toContain(control);
      expect(form.statusCode).toBe(403);
    });

    it('refuses a user who posts account forms, and stores nothing', async () => {
      const head = web.tower.log.head().seq;

      const create = await postForm(
        web,
        world.sessions.owner,
        `/installations/${world.installation}/accounts`,
        { name: 'mine' },
      );
      const limits = await postForm(
        web,
        world.sessions.owner,
        `/accounts/${world.account}/limits`,
        {
          'limits.connections': '-1',
        },
      );

      expect([create.statusCode, limits.statusCode]).toEqual([403, 403]);
      expect(web.tower.log.head().seq).toBe(head);
    });
  });
});
