import { afterEach, describe, expect, it } from 'vitest';
import { event } from '../../src/events/index.ts';
import { closeTowers, given } from '../helpers/given-when-then.ts';
import {
  ADMIN,
  ALICE,
  accountCreated,
  installationCreated,
  limitProfileCreated,
  people,
} from './fixtures.ts';

afterEach(closeTowers);

const small = limitProfileCreated('small', { connections: 10, jetstream: { streams: 2 } });
const large = limitProfileCreated('large', { connections: 1000 });
const smallIsDefault = event('LimitProfileMarkedDefault', { profileId: 'small' });

describe('CreateLimitProfile', () => {
  const input = { name: 'small', limits: { connections: 10, jetstream: { streams: 2 } } };

  it('creates a profile whose unnamed limits are unlimited', async () => {
    await given(...people)
      .when('CreateLimitProfile', input, ADMIN)
      .thenEvents({ ...small, data: { ...small.data, profileId: expect.any(String) } });
  });

  it('creates a profile and marks it the default in one go', async () => {
    const result = await given(...people, large)
      .when('CreateLimitProfile', { ...input, isDefault: true }, ADMIN)
      .thenEvents(
        { ...small, data: { ...small.data, profileId: expect.any(String) } },
        event('LimitProfileMarkedDefault', { profileId: expect.any(String) }),
      );
    const [created, marked] = result.events;
    expect(marked?.streamId).toBe(created?.streamId);
  });

  it('refuses a name another profile has', async () => {
    await given(...people, small)
      .when('CreateLimitProfile', input, ADMIN)
      .thenFails('name_taken', 'name');
  });

  it('refuses a user who is not an admin', async () => {
    await given(...people)
      .when('CreateLimitProfile', input, ALICE)
      .thenFails('forbidden');
  });

  it.each([
    [{ payload: -2 }, 'limits.payload', 'must be -1 (unlimited) or at least 0'],
    [{ payload: 1.5 }, 'limits.payload', 'must be a whole number'],
    [{ jetstream: { streams: 'two' } }, 'limits.jetstream.streams', 'must be a number'],
    [{ wildcardExports: 'yes' }, 'limits.wildcardExports', 'must be true or false'],
    [{ bandwidth: 5 }, 'limits.bandwidth', 'is not a known field'],
  ])('refuses the limits %j', async (limits, field, rule) => {
    await given(...people)
      .when('CreateLimitProfile', { name: 'odd', limits }, ADMIN)
      .thenRejectsInput(field, rule);
  });
});

describe('UpdateLimitProfile', () => {
  it('changes the named limits and keeps the others', async () => {
    await given(...people, small)
      .when(
        'UpdateLimitProfile',
        { profileId: 'small', limits: { payload: 1024, jetstream: { consumers: 5 } } },
        ADMIN,
      )
      .thenEvents(
        event('LimitProfileUpdated', {
          profileId: 'small',
          limits: {
            ...small.data.limits,
            payload: 1024,
            jetstream: { ...small.data.limits.jetstream, consumers: 5 },
          },
        }),
      );
  });

  it('renames a profile and keeps its description when the update leaves it out', async () => {
    const described = { ...small, data: { ...small.data, description: 'For tests' } };
    const scenario = given(...people, described);
    await scenario
      .when('UpdateLimitProfile', { profileId: 'small', name: 'tiny', expectedVersion: 1 }, ADMIN)
      .thenEvents(event('LimitProfileUpdated', { profileId: 'small', name: 'tiny' }));

    expect(scenario.tower.reader.limitProfile('small')?.description).toBe('For tests');
  });

  it('changes nothing when the limits and the name are the same', async () => {
    await given(...people, small)
      .when(
        'UpdateLimitProfile',
        { profileId: 'small', name: 'small', limits: { connections: 10 } },
        ADMIN,
      )
      .thenNoEvents();
  });

  it('refuses the name of another profile', async () => {
    await given(...people, small, large)
      .when('UpdateLimitProfile', { profileId: 'small', name: 'large' }, ADMIN)
      .thenFails('name_taken', 'name');
  });

  it('refuses an unknown profile', async () => {
    await given(...people)
      .when('UpdateLimitProfile', { profileId: 'small', name: 'tiny' }, ADMIN)
      .thenFails('not_found', 'profileId');
  });

  it('refuses a user who is not an admin', async () => {
    await given(...people, small)
      .when('UpdateLimitProfile', { profileId: 'small', name: 'tiny' }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses a limit below -1', async () => {
    await given(...people, small)
      .when('UpdateLimitProfile', { profileId: 'small', limits: { data: -5 } }, ADMIN)
      .thenRejectsInput('limits.data', 'must be -1 (unlimited) or at least 0');
  });

  it('refuses a stale expected version', async () => {
    await given(...people, small, smallIsDefault)
      .when('UpdateLimitProfile', { profileId: 'small', name: 'tiny', expectedVersion: 1 }, ADMIN)
      .thenFails('version_conflict');
  });
});

describe('DeleteLimitProfile', () => {
  it('deletes a profile no account follows', async () => {
    await given(...people, small)
      .when('DeleteLimitProfile', { profileId: 'small', expectedVersion: 1 }, ADMIN)
      .thenEvents(event('LimitProfileDeleted', { profileId: 'small' }));
  });

  it('refuses a profile an account follows', async () => {
    const error = await given(
      ...people,
      small,
      installationCreated('prod'),
      accountCreated('orders', 'prod', { limitProfileId: 'small' }),
    )
      .when('DeleteLimitProfile', { profileId: 'small' }, ADMIN)
      .thenFails('in_use', 'profileId');
    expect(error.context).toEqual({ accounts: 1 });
  });

  it('refuses an unknown profile', async () => {
    await given(...people)
      .when('DeleteLimitProfile', { profileId: 'small' }, ADMIN)
      .thenFails('not_found', 'profileId');
  });

  it('refuses a user who is not an admin', async () => {
    await given(...people, small)
      .when('DeleteLimitProfile', { profileId: 'small' }, ALICE)
      .thenFails('forbidden');
  });

  it('refuses a stale expected version', async () => {
    await given(...people, small, smallIsDefault)
      .when('DeleteLimitProfile', { profileId: 'small', expectedVersion: 1 }, ADMIN)
      .thenFails('version_conflict');
  });
});

describe('MarkDefaultLimitProfile', () => {
  it('makes a profile the default in place of the previous one', async () => {
    const scenario = given(...people, small, large, smallIsDefault);
    await scenario
      .when('MarkDefaultLimitProfile', { profileId: 'large' }, ADMIN)
      .thenEvents(event('LimitProfileMarkedDefault', { profileId: 'large' }));

    expect(scenario.tower.reader.defaultLimitProfile()?.id).toBe('large');
    expect(scenario.tower.reader.limitProfile('small')?.isDefault).toBe(false);
  });

  it('changes nothing for the profile that is already the default', async () => {
    await given(...people, small, smallIsDefault)
      .when('MarkDefaultLimitProfile', { profileId: 'small' }, ADMIN)
      .thenNoEvents();
  });

  it('refuses an unknown profile', async () => {
    await given(...people)
      .when('MarkDefaultLimitProfile', { profileId: 'small' }, ADMIN)
      .thenFails('not_found', 'profileId');
  });

  it('refuses a user who is not an admin', async () => {
    await given(...people, small)
      .when('MarkDefaultLimitProfile', { profileId: 'small' }, ALICE)
      .thenFails('forbidden');
  });
});
