import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTokenSecret } from '../../src/web/api-token-format.ts';
import { escapeHtml } from '../../src/web/html-escape.ts';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { webTower, type Credentials, type WebTower } from '../helpers/web.ts';
import { getPage } from '../web/page-requests.ts';
import { concretePath, pageRoutes, type PageIds } from './page-paths.ts';
import { registeredRoutes } from './route-census.ts';

/** Markup and script after a marker that says which field it was typed into. */
const PAYLOAD = `<script>alert(1)</script><img src=x onerror=alert(2)>"'&`;
/** As text, and as a JSON string inside a page (the NATS context shown on a NATS user's page). */
const ESCAPED = [escapeHtml(PAYLOAD), escapeHtml(JSON.stringify(PAYLOAD).slice(1, -1))];
const hostile = (field: string) => `XSS-${field}${PAYLOAD}`;

/** Every free-text field a person can type, by the marker its value carries. */
const FIELDS = [
  'installation-name',
  'installation-description',
  'account-name',
  'account-description',
  'nats-user-name',
  'nats-user-description',
  'team-name',
  'profile-name',
  'profile-description',
  'user-display-name',
  'token-name',
] as const;

/** A field's marker where a page shows what was typed (a file-name slug of it is not that). */
const MARKER = new RegExp(`XSS-(${FIELDS.join('|')})(?![a-z-])`, 'gu');

/** Downloads, not pages: they are text for programs and are not HTML-escaped. */
const DOWNLOADS = /\/(creds|context\.json|operator\.conf|server\.conf)$|^\/assets\//u;

describe('markup typed into free-text fields is shown escaped on every page', () => {
  let web: WebTower;
  let ids: PageIds;
  let viewers: Record<'admin' | 'user', Credentials & { kind: 'session' }>;

  beforeAll(async () => {
    web = await webTower();
    const { bus, admin, user } = web.tower;
    const run = async (type: string, input: Record<string, unknown>, actor = admin) =>
      (await bus.execute(type, input, actor)).id!;

    const team = await run('CreateTeam', { name: hostile('team-name') });
    await run('SetTeamMembers', { teamId: team, users: [user.userId] });
    await run('RenameTowerUser', {
      userId: user.userId,
      displayName: hostile('user-display-name'),
    });
    const profile = await run('CreateLimitProfile', {
      name: hostile('profile-name'),
      description: hostile('profile-description'),
    });
    const installation = await run('CreateInstallation', {
      name: hostile('installation-name'),
      description: hostile('installation-description'),
      urls: ['nats://127.0.0.1:4222'],
      teams: [team],
    });
    const account = await run('CreateAccount', {
      installationId: installation,
      name: hostile('account-name'),
      description: hostile('account-description'),
      teams: [team],
      limitProfileId: profile,
    });
    const natsUser = await run(
      'CreateNatsUser',
      {
        accountId: account,
        name: hostile('nats-user-name'),
        description: hostile('nats-user-description'),
      },
      user,
    );
    const token = await run(
      'CreateApiToken',
      { name: hostile('token-name'), expiresAt: null, secretDigest: newTokenSecret().digest },
      user,
    );
    ids = { installation, account, natsUser, team, profile, user: user.userId, token };
    viewers = {
      admin: await web.login('admin@example.test', TEST_PASSWORD),
      user: await web.login('user@example.test', TEST_PASSWORD),
    };
  });

  afterAll(() => web?.close());

  it('sends downloads named after a hostile NATS user with a safe file name', async () => {
    for (const file of ['creds', 'context.json']) {
      const response = await web.request(viewers.user, {
        method: 'GET',
        url: `/nats-users/${ids.natsUser}/${file}`,
      });
      expect(response.statusCode, file).toBe(200);
      const disposition = String(response.headers['content-disposition']);
      expect(disposition).toMatch(/^attachment; filename="[^"\\/<>]+"/u);
    }
  });

  it('never sends the markup raw, and escapes every occurrence of each field', async () => {
    const shown = new Set<string>();
    const paths = pageRoutes(registeredRoutes(web.app), 'GET')
      .map((route) => concretePath(route.path, ids))
      .filter((path) => !DOWNLOADS.test(path));
    const audit = [`/audit?entity=${ids.installation}`, `/audit?actor=${ids.user}`];
    let checked = 0;

    for (const viewer of ['admin', 'user'] as const) {
      for (const path of [...paths, ...audit, '/installations?q=XSS']) {
        const response = await getPage(web, viewers[viewer], path);
        if (!String(response.headers['content-type']).includes('text/html')) continue;
        const page = response.body;
        checked += 1;
        expect(page, `${viewer} ${path}`).not.toContain('<script>alert');
        expect(page, `${viewer} ${path}`).not.toContain('<img src=x');
        expect(page, `${viewer} ${path}`).not.toContain(`"'&`);
        for (const [, field] of page.matchAll(MARKER)) {
          shown.add(field!);
        }
        for (const match of page.matchAll(MARKER)) {
          const after = page.slice(match.index + match[0].length);
          const around = page.slice(Math.max(0, match.index - 80), match.index + 200);
          const escaped = ESCAPED.some((form) => after.startsWith(form));
          expect(escaped, `${viewer} ${path}: ${match[1]} in ${around}`).toBe(true);
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
    expect([...shown].sort()).toEqual([...FIELDS].sort());
  });
});
