import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { ANONYMOUS, webTower, type WebTower } from '../helpers/web.ts';
import { postForms, routeOf, type PageForm } from '../security/page-forms.ts';
import { isApiPath, registeredRoutes, storeHead } from '../security/route-census.ts';
import { getPage, HTMX, postForm } from '../web/page-requests.ts';
import { redBlueWorld, type RedBlueWorld } from '../web/red-blue-world.ts';
import { fuzzParameters, hostileFormValue, hostileId, hostileString } from './hostile-values.ts';

const FIELD_RUNS = 60;
const PATH_RUNS = 10;

/** Forms that act on the entity in their address and have no fields to fill. */
const ACTION_ONLY = /\/(delete|rotate|disable|enable|remove|default|revoke)$/u;

/** Routes not fuzzed here, and why. */
const NOT_FUZZED: Record<string, string> = {
  'POST /logout': 'ends the session the fuzz runs in; it reads no fields',
};

describe('fuzzing every page form with hostile input', () => {
  let web: WebTower;
  let world: RedBlueWorld;
  let forms: Map<string, Omit<PageForm, 'inner'> & { route: string }>;
  const figures = { inputs: 0, accepted: 0, refused: 0, serverErrors: 0, formLevelErrors: 0 };

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
    const { bus } = web.tower;
    const spare = await bus.execute(
      'CreateTowerUser',
      { email: 'spare@example.test', displayName: 'Spare', role: 'user', password: TEST_PASSWORD },
      world.admin,
    );
    const spareTeam = await bus.execute('CreateTeam', { name: 'spare' }, world.admin);
    await bus.execute('SetTeamMembers', { teamId: spareTeam.id!, users: [spare.id!] }, world.admin);
    await web.token(world.admin);

    const pages = [
      '/installations',
      '/installations/new',
      `/installations/${world.installation}`,
      `/installations/${world.installation}/accounts/new`,
      `/accounts/${world.account}`,
      `/accounts/${world.account}/nats-users/new`,
      `/nats-users/${world.natsUser}`,
      '/admin/users',
      '/admin/teams',
      `/admin/teams/${spareTeam.id}`,
      '/admin/limit-profiles',
      '/admin/limit-profiles/new',
      `/admin/limit-profiles/${world.profile}`,
      '/profile',
    ];
    const routes = registeredRoutes(web.app);
    forms = new Map();
    for (const page of pages) {
      const response = await getPage(web, world.sessions.admin, page);
      expect(response.statusCode, page).toBe(200);
      for (const form of postForms(response.body)) {
        const route = routeOf(routes, 'POST', form.action);
        if (!route) throw new Error(`no route serves the form posting to ${form.action}`);
        const key = `POST ${route.path}`;
        if (NOT_FUZZED[key]) continue;
        // Row forms of other users (the admin's own row) are skipped for the spare user's.
        const own = form.action.includes(spare.id!) || !forms.has(key);
        if (own) forms.set(key, { ...form, route: route.path });
      }
    }
    const login = await getPage(web, ANONYMOUS, '/login');
    for (const form of postForms(login.body))
      forms.set('POST /login', { ...form, route: '/login' });
  });

  /** Forms whose error showed at the top of the form, not beside a named field. */
  const formLevelRoutes = new Set<string>();

  afterAll(async () => {
    console.info(`page form fuzz figures: ${JSON.stringify(figures)}`, [...formLevelRoutes]);
    await web?.close();
  });

  it('finds a form for every POST route of the pages', () => {
    const pageRoutes = registeredRoutes(web.app)
      .filter((route) => route.method === 'POST' && !isApiPath(route.path))
      .map((route) => `POST ${route.path}`);
    const covered = [...forms.keys(), ...Object.keys(NOT_FUZZED)];
    expect(pageRoutes.filter((route) => !covered.includes(route))).toEqual([]);
  });

  /** Posts a form and checks what every hostile post must give; answers the response. */
  async function post(url: string, fields: Record<string, string | string[]>, htmx: boolean) {
    const before = storeHead(web);
    const response =
      url === '/login'
        ? await web.app.inject({
            method: 'POST',
            url,
            payload: new URLSearchParams(
              Object.entries(fields).flatMap(([k, v]) => [v].flat().map((item) => [k, item])),
            ).toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          })
        : await postForm(web, world.sessions.admin, url, fields, htmx ? HTMX : {});
    figures.inputs += 1;
    const status = response.statusCode;
    if (process.env.FUZZ_DEBUG) console.info(url, status);
    const context = `POST ${url} ${JSON.stringify(fields).slice(0, 300)} → ${status}`;
    if (status >= 500) figures.serverErrors += 1;
    expect(status, `${context} ${response.body.slice(0, 500)}`).toBeLessThan(500);
    // The fuzz must reach the routes: the admin's session stays signed in throughout.
    if (url !== '/login') expect(status, context).not.toBe(401);
    if (status < 400) figures.accepted += 1;
    else {
      figures.refused += 1;
      expect(storeHead(web), `stored something: ${context}`).toBe(before);
    }
    return { response, context };
  }

  it('answers hostile values in every field of every form without a 500, beside the field', async () => {
    const fieldForms = [...forms.values()].filter((form) => !ACTION_ONLY.test(form.route));
    expect(fieldForms.length).toBeGreaterThanOrEqual(15);

    for (const form of fieldForms) {
      const own = fc
        .subarray(form.fields)
        .chain((names) =>
          fc.tuple(...names.map((name) => hostileFormValue.map((value) => [name, value] as const))),
        );
      const extra = fc.array(fc.tuple(hostileString, hostileFormValue), { maxLength: 2 });
      const input = fc.tuple(own, extra, fc.boolean());
      await fc.assert(
        fc.asyncProperty(input, async ([ownFields, extraFields, htmx]) => {
          const fields = Object.fromEntries([...extraFields, ...ownFields]);
          const { response, context } = await post(form.action, fields, htmx);
          if (![400, 409].includes(response.statusCode) || form.route === '/login') return;
          // The message is inside the re-rendered form that was posted, beside a field of it
          // when the command named one the form has.
          const again = postForms(response.body).find((f) => f.action === form.action);
          expect(again?.inner ?? '', `no form with its error: ${context}`).toMatch(/role="alert"/u);
          const beside = [...again!.inner.matchAll(/id="([\w.]+)-error"/gu)].map((m) => m[1]!);
          if (!beside.some((name) => form.fields.includes(name))) {
            figures.formLevelErrors += 1;
            formLevelRoutes.add(form.route);
          }
        }),
        fuzzParameters(FIELD_RUNS),
      );
    }
  });

  it('answers hostile ids in the address of every form with 404 and stores nothing', async () => {
    for (const form of forms.values()) {
      if (!form.route.includes(':')) continue;
      const extra = fc.array(fc.tuple(hostileString, hostileFormValue), { maxLength: 3 });
      const input = fc.tuple(hostileId, extra);
      await fc.assert(
        fc.asyncProperty(input, async ([id, extra]) => {
          const url = form.route.replace(/:[A-Za-z]+/gu, encodeURIComponent(id));
          const { response, context } = await post(url, Object.fromEntries(extra), false);
          // 413 when the extra fields make the form longer than 64 KB.
          expect([400, 404, 413, 414], context).toContain(response.statusCode);
        }),
        fuzzParameters(PATH_RUNS),
      );
    }
  });

  it('refuses a form that is not URL-encoded correctly with 400, storing nothing', async () => {
    const before = storeHead(web);
    const response = await web.app.inject({
      method: 'POST',
      url: '/admin/teams',
      payload: `_csrf=${world.sessions.admin.csrfToken}&name=%E0%A4%A`,
      headers: {
        cookie: world.sessions.admin.cookie,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
    expect(response.statusCode).toBe(400);
    expect(storeHead(web)).toBe(before);
  });
});
