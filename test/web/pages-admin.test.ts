import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { webTower, type WebTower } from '../helpers/web.ts';
import { HOSTILE, HOSTILE_ESCAPED, HTMX, getPage, postForm } from './page-requests.ts';
import { redBlueWorld, type RedBlueWorld } from './red-blue-world.ts';

describe('admin pages', () => {
  let web: WebTower;
  let world: RedBlueWorld;
  const adminViewer = () => ({ userId: world.admin.userId, admin: true });

  beforeAll(async () => {
    web = await webTower();
    world = await redBlueWorld(web);
  });
  afterAll(() => web.close());

  describe('for an admin', () => {
    it.each(['/admin/users', '/admin/teams', '/admin/limit-profiles', '/admin/limit-profiles/new'])(
      'renders %s',
      async (url) => {
        const response = await getPage(web, world.sessions.admin, url);

        expect(response.statusCode).toBe(200);
        expect(response.body).toContain('aria-current="page">Admin</a>');
      },
    );

    it('creates a user and an admin from the form', async () => {
      const user = await postForm(web, world.sessions.admin, '/admin/users', {
        email: 'new-user@example.test',
        displayName: 'New User',
        role: 'user',
        password: TEST_PASSWORD,
      });
      const admin = await postForm(web, world.sessions.admin, '/admin/users', {
        email: 'new-admin@example.test',
        displayName: 'New Admin',
        role: 'admin',
        password: TEST_PASSWORD,
      });

      expect(user.statusCode).toBe(303);
      expect(admin.headers.location).toBe('/admin/users?done=created');
      expect(web.tower.reader.towerUserByEmail('new-admin@example.test')?.role).toBe('admin');
      expect(web.tower.reader.towerUserByEmail('new-user@example.test')?.role).toBe('user');
    });

    it('shows a short password beside its field (400) and stores no user', async () => {
      const response = await postForm(
        web,
        world.sessions.admin,
        '/admin/users',
        { email: 'short@example.test', displayName: 'Short', role: 'user', password: 'short' },
        HTMX,
      );

      expect(response.statusCode).toBe(400);
      expect(response.body).toMatch(/id="password-error"[^>]*>password must be at least 12/u);
      expect(response.body).toContain('value="short@example.test"');
      expect(web.tower.reader.towerUserByEmail('short@example.test')).toBeUndefined();
    });

    it('disables and enables a user, ending their sessions', async () => {
      const session = await web.login('other@example.test');

      const disabled = await postForm(
        web,
        world.sessions.admin,
        `/admin/users/${world.other.userId}/disable`,
        {},
      );
      const refused = await getPage(web, session, '/profile');
      const enabled = await postForm(
        web,
        world.sessions.admin,
        `/admin/users/${world.other.userId}/enable`,
        {},
        HTMX,
      );

      expect(disabled.statusCode).toBe(303);
      expect(refused.statusCode).toBe(303);
      expect(refused.headers.location).toMatch(/^\/login/u);
      expect(enabled.statusCode).toBe(200);
      expect(JSON.parse(enabled.headers['hx-location'] as string).path).toBe(
        '/admin/users?done=enabled',
      );
      expect(web.tower.reader.towerUser(world.other.userId)?.disabled).toBe(false);
    });

    it('resets a password and changes a role', async () => {
      const reset = await postForm(
        web,
        world.sessions.admin,
        `/admin/users/${world.other.userId}/password`,
        {
          password: 'another-password-456',
        },
      );
      const promoted = await postForm(
        web,
        world.sessions.admin,
        `/admin/users/${world.other.userId}/role`,
        {
          role: 'admin',
        },
      );
      const demoted = await postForm(
        web,
        world.sessions.admin,
        `/admin/users/${world.other.userId}/role`,
        {
          role: 'user',
        },
      );

      expect([reset.statusCode, promoted.statusCode, demoted.statusCode]).toEqual([303, 303, 303]);
      await expect(web.login('other@example.test', 'another-password-456')).resolves.toBeTruthy();
      expect(web.tower.reader.towerUser(world.other.userId)?.role).toBe('user');
    });

    it('opens the reset dialog again with the error when the new password is too short', async () => {
      const response = await postForm(
        web,
        world.sessions.admin,
        `/admin/users/${world.other.userId}/password`,
        {
          password: 'short',
        },
      );

      expect(response.statusCode).toBe(400);
      expect(response.body).toMatch(
        new RegExp(`<dialog id="reset-${world.other.userId}" open`, 'u'),
      );
      expect(response.body).toContain('id="password-error"');
    });

    it('creates, renames and deletes a team and manages its members', async () => {
      const created = await postForm(web, world.sessions.admin, '/admin/teams', { name: 'green' });
      const teamPath = created.headers.location!;
      const teamId = teamPath.split('/').pop()!;
      const added = await postForm(web, world.sessions.admin, `${teamPath}/members`, {
        email: 'other@example.test',
      });
      const withMember = web.app.web.queries.teams.get(adminViewer(), teamId).members;
      const removed = await postForm(
        web,
        world.sessions.admin,
        `${teamPath}/members/${world.other.userId}/remove`,
        {},
      );
      const renamed = await postForm(web, world.sessions.admin, `${teamPath}/rename`, {
        name: 'teal',
      });
      const name = web.app.web.queries.teams.get(adminViewer(), teamId).name;
      const page = await getPage(web, world.sessions.admin, teamPath);
      const deleted = await postForm(web, world.sessions.admin, `${teamPath}/delete`, {});

      expect(created.statusCode).toBe(303);
      expect(teamPath).toMatch(/^\/admin\/teams\/[^/]+$/u);
      expect([added.statusCode, removed.statusCode, renamed.statusCode]).toEqual([303, 303, 303]);
      expect(withMember).toEqual([world.other.userId]);
      expect(name).toBe('teal');
      expect(page.statusCode).toBe(200);
      expect(deleted.headers.location).toBe('/admin/teams');
      expect(() => web.app.web.queries.teams.get(adminViewer(), teamId)).toThrow();
    });

    it('refuses a taken team name and an unknown member beside the field', async () => {
      const taken = await postForm(web, world.sessions.admin, '/admin/teams', { name: 'red' });
      const unknown = await postForm(
        web,
        world.sessions.admin,
        `/admin/teams/${world.red}/members`,
        {
          email: 'nobody@example.test',
        },
      );
      const inUse = await postForm(
        web,
        world.sessions.admin,
        `/admin/teams/${world.red}/delete`,
        {},
      );

      expect(taken.statusCode).toBe(409);
      expect(taken.body).toContain('id="name-error"');
      expect(unknown.statusCode).toBe(400);
      expect(unknown.body).toContain('id="email-error"');
      expect(inUse.statusCode).toBe(409);
      expect(inUse.body).toContain('still assigned');
    });

    it('creates a limit profile with every limit, edits it, marks it default and deletes it', async () => {
      const created = await postForm(web, world.sessions.admin, '/admin/limit-profiles', {
        name: 'medium',
        description: 'for most teams',
        'limits.connections': '100',
        'limits.jetstream.diskStorage': '1048576',
        'limits.jetstream.maxBytesRequired': 'on',
      });
      const path = created.headers.location!.split('?')[0]!;
      const id = path.split('/').pop()!;
      const profile = web.app.web.queries.limitProfiles.get(adminViewer(), id);
      const edited = await postForm(web, world.sessions.admin, path, {
        name: 'medium',
        'limits.connections': '200',
        'limits.wildcardExports': 'on',
      });
      const marked = await postForm(web, world.sessions.admin, `${path}/default`, {});
      const after = web.app.web.queries.limitProfiles.get(adminViewer(), id);
      const deleted = await postForm(web, world.sessions.admin, `${path}/delete`, {});

      expect(created.statusCode).toBe(303);
      expect(profile.limits.connections).toBe(100);
      expect(profile.limits.subscriptions).toBe(-1);
      expect(profile.limits.wildcardExports).toBe(false);
      expect(profile.limits.jetstream).toMatchObject({
        diskStorage: 1048576,
        maxBytesRequired: true,
      });
      expect([edited.statusCode, marked.statusCode, deleted.statusCode]).toEqual([303, 303, 303]);
      expect(after.limits.connections).toBe(200);
      expect(after.limits.wildcardExports).toBe(true);
      expect(after.isDefault).toBe(true);
    });

    it('shows a bad limit beside its field and stores nothing', async () => {
      const response = await postForm(web, world.sessions.admin, '/admin/limit-profiles', {
        name: 'broken',
        'limits.jetstream.streams': '-5',
      });

      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('id="limits.jetstream.streams-error"');
      const names = web.app.web.queries.limitProfiles.list(adminViewer()).items.map((p) => p.name);
      expect(names).not.toContain('broken');
    });

    it('shows user, team and profile names escaped', async () => {
      const input = {
        email: 'hostile@example.test',
        displayName: HOSTILE,
        role: 'user',
        password: TEST_PASSWORD,
      };
      await web.tower.bus.execute('CreateTowerUser', input, world.admin);
      const team = (await web.tower.bus.execute('CreateTeam', { name: HOSTILE }, world.admin)).id!;
      const profile = { name: `p${HOSTILE}`, description: HOSTILE };
      await web.tower.bus.execute('CreateLimitProfile', profile, world.admin);

      const pages = await Promise.all(
        ['/admin/users', '/admin/teams', `/admin/teams/${team}`, '/admin/limit-profiles'].map(
          (url) => getPage(web, world.sessions.admin, url),
        ),
      );

      for (const page of pages) {
        expect(page.body).toContain(HOSTILE_ESCAPED);
        expect(page.body).not.toContain(HOSTILE);
      }
    });
  });

  describe('for a user', () => {
    it.each(['/admin/users', '/admin/teams', '/admin/limit-profiles', '/admin/limit-profiles/new'])(
      'refuses %s (403), as the API refuses admin commands',
      async (url) => {
        const response = await getPage(web, world.sessions.owner, url);

        expect(response.statusCode).toBe(403);
      },
    );

    it('gets 403 for their own team and 404 for another team, as the API answers', async () => {
      const own = await getPage(web, world.sessions.owner, `/admin/teams/${world.red}`);
      const other = await getPage(web, world.sessions.owner, `/admin/teams/${world.blue}`);

      expect(own.statusCode).toBe(403);
      expect(other.statusCode).toBe(404);
    });

    it('cannot create users, teams or profiles, nor disable anyone', async () => {
      const user = await postForm(web, world.sessions.owner, '/admin/users', {
        email: 'sneaky@example.test',
        displayName: 'Sneaky',
        role: 'admin',
        password: TEST_PASSWORD,
      });
      const team = await postForm(web, world.sessions.owner, '/admin/teams', { name: 'sneaky' });
      const profile = await postForm(web, world.sessions.owner, '/admin/limit-profiles', {
        name: 'sneaky',
      });
      const disable = await postForm(
        web,
        world.sessions.owner,
        `/admin/users/${world.admin.userId}/disable`,
        {},
      );

      expect([user.statusCode, team.statusCode, profile.statusCode]).toEqual([403, 403, 403]);
      expect(disable.statusCode).toBe(404);
      expect(web.tower.reader.towerUserByEmail('sneaky@example.test')).toBeUndefined();
      expect(web.tower.reader.teamByName('sneaky')).toBeUndefined();
    });

    it('does not see the Admin link', async () => {
      const response = await getPage(web, world.sessions.owner, '/profile');

      expect(response.body).not.toContain('href="/admin/users"');
    });
  });
});
