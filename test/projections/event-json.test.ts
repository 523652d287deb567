import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryViewer } from '../../src/projections/queries/index.ts';
import { createQueries } from '../../src/projections/queries/index.ts';
import type { EventFilter, EventPageRequest } from '../../src/projections/queries/event-queries.ts';
import { canSeeAccount, canSeeInstallation } from '../../src/domain/visibility.ts';
import { appendVersionOneTowerUserCreated } from '../helpers/legacy-event.ts';
import { runSteps, stepArbitrary } from '../helpers/random-commands.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

describe('the audit list as JSON text built by SQLite, and as the audit page reads it', () => {
  let tower: TempTower;
  let queries: ReturnType<typeof createQueries>;

  beforeAll(async () => {
    tower = await tempTower();
    const steps = fc.sample(fc.array(stepArbitrary, { minLength: 200, maxLength: 200 }), {
      numRuns: 1,
      seed: 5,
    })[0]!;
    await runSteps(tower, steps, tower.admin, tower.user);
    await buildVisibilityCases(tower);
    appendVersionOneTowerUserCreated(tower);
    queries = createQueries(tower.db);
  });
  afterAll(() => tower.destroy());

  /** Every filter and position the API takes, over the entities this log holds. */
  function cases(): [QueryViewer, EventFilter, EventPageRequest][] {
    const one = (sql: string) => tower.db.prepare(sql).pluck().get() as string;
    const installationId = one('SELECT id FROM installations LIMIT 1');
    const accountId = one('SELECT id FROM accounts LIMIT 1');
    const filters: EventFilter[] = [
      {},
      { type: 'NatsUserCreated' },
      { type: 'TowerUserCreated' },
      { installationId },
      { accountId },
      { entityId: accountId },
      { actorId: tower.user.userId },
    ];
    const requests: EventPageRequest[] = [{}, { limit: 7 }, { after: 10, limit: 100 }];
    const viewers = [tower.admin, tower.user].map((actor) => ({
      userId: actor.userId,
      admin: actor.role === 'admin',
    }));
    return viewers.flatMap((viewer) =>
      filters.flatMap((filter) =>
        requests.map((request): [QueryViewer, EventFilter, EventPageRequest] => [
          viewer,
          filter,
          request,
        ]),
      ),
    );
  }

  it('is the text JSON.stringify makes of the same page, for every filter and viewer', () => {
    for (const [viewer, filter, request] of cases()) {
      expect(queries.events.listJson(viewer, filter, request)).toBe(
        JSON.stringify(queries.events.list(viewer, filter, request)),
      );
    }
  });

  it('summarizes the same page for the audit page, field for field', () => {
    for (const [viewer, filter, request] of cases()) {
      const full = queries.events.list(viewer, filter, request);
      expect(queries.events.summaries(viewer, filter, request)).toEqual({
        nextCursor: full.nextCursor,
        items: full.items.map(({ seq, type, streamType, streamId, data, actorId, occurredAt }) => ({
          seq,
          type,
          streamType,
          streamId,
          data,
          actorId,
          occurredAt,
        })),
      });
    }
  });

  it("shows a user exactly the events the domain's visibility rule allows", () => {
    const viewer = { userId: tower.user.userId, admin: false };
    const who = { role: 'user' as const, teams: tower.reader.teamsOf(tower.user.userId) };
    const tagged = tower.db
      .prepare('SELECT seq, installation_id, account_id FROM events ORDER BY seq DESC')
      .all() as { seq: number; installation_id: string | null; account_id: string | null }[];
    const expected = tagged
      .filter((event) => {
        const installation = event.installation_id
          ? tower.reader.installation(event.installation_id)
          : undefined;
        if (!installation || !canSeeInstallation(who, installation.teams)) return false;
        if (event.account_id === null) return true;
        const account = tower.reader.account(event.account_id);
        return account !== undefined && canSeeAccount(who, installation.teams, account.teams);
      })
      .map((event) => event.seq);
    expect(expected.length).toBeGreaterThan(10);
    expect(expected.length).toBeLessThan(tagged.length);

    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = queries.events.list(viewer, {}, { limit: 100, cursor });
      seen.push(...page.items.map((event) => event.seq));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(expected);
  });

  it('pages through the whole log with the cursors it gives out', () => {
    const viewer = { userId: tower.admin.userId, admin: true };
    let cursor: string | undefined;
    let seen = 0;
    do {
      const text = queries.events.listJson(viewer, {}, { limit: 40, cursor });
      expect(text).toBe(JSON.stringify(queries.events.list(viewer, {}, { limit: 40, cursor })));
      const page = JSON.parse(text) as { items: unknown[]; nextCursor: string | null };
      seen += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toBe(tower.log.head().seq);
  });

  it('upcasts an event stored under an older schema version', () => {
    const viewer = { userId: tower.admin.userId, admin: true };
    const text = queries.events.listJson(viewer, { entityId: 'legacy-user' });
    const [event] = (JSON.parse(text) as { items: { data: Record<string, unknown> }[] }).items;
    expect(event!.data).toMatchObject({ userId: 'legacy-user', role: 'admin' });
  });
});

/**
 * Every case of the team rule for the default user: installations and accounts with no teams,
 * with the user's team and with another team only, and an account deleted since.
 */
async function buildVisibilityCases(tower: TempTower): Promise<void> {
  const run = (type: string, input: Record<string, unknown>) =>
    tower.bus.execute(type, input, tower.admin);
  const urls = ['nats://127.0.0.1:4222'];
  const mine = (await run('CreateTeam', { name: 'vis-mine' })).id!;
  const theirs = (await run('CreateTeam', { name: 'vis-theirs' })).id!;
  await run('AddTeamMember', { teamId: mine, userId: tower.user.userId });
  const cases: [string, string[], [string, string[]][]][] = [
    [
      'vis-open',
      [],
      [
        ['open', []],
        ['theirs', [theirs]],
        ['mine', [mine]],
        ['gone', []],
      ],
    ],
    ['vis-theirs', [theirs], [['open', []]]],
    [
      'vis-mine',
      [mine],
      [
        ['theirs', [theirs]],
        ['both', [theirs, mine]],
      ],
    ],
  ];
  for (const [name, teams, accounts] of cases) {
    const installationId = (await run('CreateInstallation', { name, urls, teams })).id!;
    for (const [accountName, accountTeams] of accounts) {
      const accountId = (
        await run('CreateAccount', { installationId, name: accountName, teams: accountTeams })
      ).id!;
      await run('CreateNatsUser', { accountId, name: 'svc' });
      if (accountName === 'gone') await run('DeleteAccount', { accountId });
    }
  }
}
