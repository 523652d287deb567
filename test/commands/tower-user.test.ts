import { afterEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/commands/index.ts';
import { event } from '../../src/events/index.ts';
import { closeTowers, given } from '../helpers/given-when-then.ts';
import { ADMIN, ALICE, adaExists, aliceExists, people } from './fixtures.ts';

afterEach(closeTowers);

const PASSWORD = 'old-password-1234';
const NEW_PASSWORD = 'new-password-5678';

const aliceDisabled = event('TowerUserDisabled', { userId: 'alice' });

describe('CreateTowerUser', () => {
  const carol = {
    email: 'Carol@Example.TEST',
    displayName: 'Carol',
    role: 'user',
    password: PASSWORD,
  };

  it('creates a user with a normalised email and a fresh id', async () => {
    await given(...people)
      .when('CreateTowerUser', carol, ADMIN)
      .thenEvents(
        event('TowerUserCreated', {
          userId: expect.any(String),
          email: 'carol@example.test',
          displayName: 'Carol',
          role: 'user',
        }),
      );
  });

  it('lets Tower itself create the first users', async () => {
    const result = await given()
      .when('CreateTowerUser', { ...carol, role: 'admin' }, SYSTEM_ACTOR)
      .thenEvents(
        event('TowerUserCreated', {
          userId: expect.any(String),
          email: 'carol@example.test',
          displayName: 'Carol',
          role: 'admin',
        }),
      );
    expect(result.id).toBe((result.events[0]?.data as { userId: string }).userId);
  });

  it('refuses an email another user has, whatever its case', async () => {
    await given(...people)
      .when('CreateTowerUser', { ...carol, email: 'ALICE@example.test' }, ADMIN)
      .thenFails('email_taken', 'email');
  });

  it('refuses a user who is not an admin', async () => {
    await given(...people)
      .when('CreateTowerUser', carol, ALICE)
      .thenFails('forbidden');
  });

  it.each([
    ['email', 'carol', 'must be an email address'],
    ['displayName', '  ', 'must not be empty'],
    ['displayName', 'a\u0007b', 'must not contain control characters'],
    ['displayName', 42, 'must be a string'],
    ['role', 'root', 'must be "admin" or "user"'],
    ['password', 'short', 'must be at least 12 characters'],
    ['password', undefined, 'is required'],
    ['admin', true, 'is not a known field'],
  ])('refuses %s set to %j: it %s', async (field, value, rule) => {
    await given(...people)
      .when('CreateTowerUser', { ...carol, [field]: value }, ADMIN)
      .thenRejectsInput(field, rule);
  });
});

describe('DisableTowerUser', () => {
  it('disables a user', async () => {
    await given(...people)
      .when('DisableTowerUser', { userId: 'alice', expectedVersion: 1 }, ADMIN)
      .thenEvents(aliceDisabled);
  });

  it('changes nothing for a user already disabled', async () => {
    await given(...people, aliceDisabled)
      .when('DisableTowerUser', { userId: 'alice' }, ADMIN)
      .thenNoEvents();
  });

  it('refuses an unknown user', async () => {
    await given(...people)
      .when('DisableTowerUser', { userId: 'nobody' }, ADMIN)
      .thenFails('not_found', 'userId');
  });

  it('refuses an admin disabling themself', async () => {
    await given(...people)
      .when('DisableTowerUser', { userId: 'ada' }, ADMIN)
      .thenFails('invalid_state', 'userId');
  });

  it('refuses a user who is not an admin', async () => {
    await given(...people)
      .when('DisableTowerUser', { userId: 'bob' }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses a stale expected version', async () => {
    await given(...people)
      .when('DisableTowerUser', { userId: 'alice', expectedVersion: 0 }, ADMIN)
      .thenFails('version_conflict');
  });
});

describe('EnableTowerUser', () => {
  it('enables a disabled user', async () => {
    await given(...people, aliceDisabled)
      .when('EnableTowerUser', { userId: 'alice', expectedVersion: 2 }, ADMIN)
      .thenEvents(event('TowerUserEnabled', { userId: 'alice' }));
  });

  it('changes nothing for a user who is enabled', async () => {
    await given(...people)
      .when('EnableTowerUser', { userId: 'alice' }, ADMIN)
      .thenNoEvents();
  });

  it('refuses an unknown user', async () => {
    await given(...people)
      .when('EnableTowerUser', { userId: 'nobody' }, ADMIN)
      .thenFails('not_found', 'userId');
  });

  it('refuses a user who is not an admin', async () => {
    await given(...people, event('TowerUserDisabled', { userId: 'bob' }))
      .when('EnableTowerUser', { userId: 'bob' }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses a stale expected version', async () => {
    await given(...people, aliceDisabled)
      .when('EnableTowerUser', { userId: 'alice', expectedVersion: 1 }, ADMIN)
      .thenFails('version_conflict');
  });
});

describe('ChangeTowerUserRole', () => {
  it('promotes a user, who acts as an admin from then on', async () => {
    const scenario = given(...people);
    await scenario
      .when('ChangeTowerUserRole', { userId: 'alice', role: 'admin', expectedVersion: 1 }, ADMIN)
      .thenEvents(event('TowerUserRoleChanged', { userId: 'alice', role: 'admin' }));

    await scenario
      .when('CreateTeam', { name: 'Ops' }, ALICE)
      .thenEvents(event('TeamCreated', { teamId: expect.any(String), name: 'Ops' }));
  });

  it('changes nothing when the role is the same', async () => {
    await given(...people)
      .when('ChangeTowerUserRole', { userId: 'alice', role: 'user' }, ADMIN)
      .thenNoEvents();
  });

  it('refuses an admin changing their own role', async () => {
    await given(...people)
      .when('ChangeTowerUserRole', { userId: 'ada', role: 'user' }, ADMIN)
      .thenFails('invalid_state', 'userId');
  });

  it('refuses an unknown user', async () => {
    await given(...people)
      .when('ChangeTowerUserRole', { userId: 'nobody', role: 'admin' }, ADMIN)
      .thenFails('not_found', 'userId');
  });

  it('refuses a user who is not an admin', async () => {
    await given(...people)
      .when('ChangeTowerUserRole', { userId: 'alice', role: 'admin' }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses an unknown role', async () => {
    await given(...people)
      .when('ChangeTowerUserRole', { userId: 'alice', role: 'owner' }, ADMIN)
      .thenRejectsInput('role', 'must be "admin" or "user"');
  });

  it('refuses a stale expected version', async () => {
    await given(...people)
      .when('ChangeTowerUserRole', { userId: 'alice', role: 'admin', expectedVersion: 0 }, ADMIN)
      .thenFails('version_conflict');
  });
});

describe('RenameTowerUser', () => {
  it('lets an admin rename any user', async () => {
    await given(...people)
      .when('RenameTowerUser', { userId: 'alice', displayName: 'Alice L.' }, ADMIN)
      .thenEvents(event('TowerUserRenamed', { userId: 'alice', displayName: 'Alice L.' }));
  });

  it('lets a user rename themself', async () => {
    await given(...people)
      .when('RenameTowerUser', { userId: 'alice', displayName: 'Al' }, ALICE)
      .thenEvents(event('TowerUserRenamed', { userId: 'alice', displayName: 'Al' }));
  });

  it('changes nothing when the name is the same once trimmed', async () => {
    await given(...people)
      .when('RenameTowerUser', { userId: 'alice', displayName: ' Alice ' }, ALICE)
      .thenNoEvents();
  });

  it('refuses a user renaming someone else', async () => {
    await given(...people)
      .when('RenameTowerUser', { userId: 'bob', displayName: 'Robert' }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses an unknown user', async () => {
    await given(...people)
      .when('RenameTowerUser', { userId: 'nobody', displayName: 'X' }, ADMIN)
      .thenFails('not_found', 'userId');
  });

  it('refuses a name over 100 characters', async () => {
    await given(...people)
      .when('RenameTowerUser', { userId: 'alice', displayName: 'a'.repeat(101) }, ALICE)
      .thenRejectsInput('displayName', 'must be at most 100 characters');
  });

  it('refuses a stale expected version', async () => {
    await given(...people)
      .when('RenameTowerUser', { userId: 'alice', displayName: 'Al', expectedVersion: 0 }, ALICE)
      .thenFails('version_conflict');
  });
});

describe('ChangeOwnPassword', () => {
  it('changes the password, after which only the new one is accepted', async () => {
    const scenario = await given(...people).withPassword('alice', PASSWORD);
    const change = { currentPassword: PASSWORD, newPassword: NEW_PASSWORD };
    await scenario
      .when('ChangeOwnPassword', change, ALICE)
      .thenEvents(event('TowerUserPasswordChanged', { userId: 'alice', reset: false }));

    await scenario
      .when('ChangeOwnPassword', change, ALICE)
      .thenFails('wrong_password', 'currentPassword');
  });

  it('refuses a wrong current password', async () => {
    const scenario = await given(...people).withPassword('alice', PASSWORD);
    await scenario
      .when(
        'ChangeOwnPassword',
        { currentPassword: 'not-the-password', newPassword: NEW_PASSWORD },
        ALICE,
      )
      .thenFails('wrong_password', 'currentPassword');
  });

  it('refuses a new password under 12 characters', async () => {
    await given(...people)
      .when('ChangeOwnPassword', { currentPassword: PASSWORD, newPassword: 'short' }, ALICE)
      .thenRejectsInput('newPassword', 'must be at least 12 characters');
  });
});

describe('ResetTowerUserPassword', () => {
  it("sets another user's password, which they can then use", async () => {
    const scenario = given(...people);
    await scenario
      .when('ResetTowerUserPassword', { userId: 'alice', password: PASSWORD }, ADMIN)
      .thenEvents(event('TowerUserPasswordChanged', { userId: 'alice', reset: true }));

    await scenario
      .when('ChangeOwnPassword', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }, ALICE)
      .thenEvents(event('TowerUserPasswordChanged', { userId: 'alice', reset: false }));
  });

  it('refuses an unknown user', async () => {
    await given(...people)
      .when('ResetTowerUserPassword', { userId: 'nobody', password: PASSWORD }, ADMIN)
      .thenFails('not_found', 'userId');
  });

  it('refuses a user who is not an admin, even for themself', async () => {
    await given(...people)
      .when('ResetTowerUserPassword', { userId: 'alice', password: PASSWORD }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses a password over 512 characters', async () => {
    await given(...people)
      .when('ResetTowerUserPassword', { userId: 'alice', password: 'p'.repeat(513) }, ADMIN)
      .thenRejectsInput('password', 'must be at most 512 characters');
  });
});

describe('passwords in the log', () => {
  it('are never stored in any event, neither in its data nor in its metadata', async () => {
    const passwords = ['first-secret-pass', 'second-secret-pass', 'third-secret-pass'];
    const scenario = given(adaExists, aliceExists);
    const { tower } = scenario;
    const carol = { email: 'carol@example.test', displayName: 'Carol', role: 'user' };
    await tower.bus.execute('CreateTowerUser', { ...carol, password: passwords[0] }, ADMIN);
    await tower.bus.execute(
      'ResetTowerUserPassword',
      { userId: 'alice', password: passwords[1] },
      ADMIN,
    );
    await tower.bus.execute(
      'ChangeOwnPassword',
      { currentPassword: passwords[1], newPassword: passwords[2] },
      ALICE,
    );

    const rows = tower.db.prepare('SELECT type, data, metadata FROM events').all() as {
      type: string;
      data: string;
      metadata: string;
    }[];
    expect(rows.map((row) => row.type)).toContain('TowerUserPasswordChanged');
    for (const row of rows) {
      for (const password of passwords) {
        expect(row.data).not.toContain(password);
        expect(row.metadata).not.toContain(password);
      }
    }
  });
});
