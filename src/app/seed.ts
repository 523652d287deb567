import { SYSTEM_ACTOR } from '../commands/index.ts';
import type { Tower } from './open-tower.ts';

export interface SeedSize {
  installations: number;
  accounts: number;
  natsUsers: number;
  teams: number;
  users: number;
}

export interface SeedProgress {
  phase: string;
  done: number;
  total: number;
  elapsedMs: number;
}

export interface SeedOptions {
  /** The password of every seeded Tower user. */
  password: string;
  /** Commands in flight at once; they share transactions through group commit. */
  wave?: number;
  onProgress?: (progress: SeedProgress) => void;
}

export interface SeedReport {
  commands: number;
  events: number;
  seconds: number;
}

/**
 * Fills a data folder with realistic data through the normal command pipeline: teams, Tower
 * users in one or two teams each, installations and accounts of which some are open to every
 * team and some assigned, limit profiles, and NATS users with subject permissions. The same
 * size always yields the same shape (a seeded random sequence), so benchmarks compare alike.
 */
export async function seed(
  tower: Tower,
  size: SeedSize,
  options: SeedOptions,
): Promise<SeedReport> {
  const started = performance.now();
  const head = tower.log.head().seq;
  const random = mulberry32(20261203);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const some = <T>(items: readonly T[], max: number) => [
    ...new Set([...Array(1 + Math.floor(random() * max))].map(() => pick(items))),
  ];
  let commands = 0;

  const phase = async <T>(name: string, total: number, make: (i: number) => Promise<T>) => {
    const results: T[] = [];
    const wave = options.wave ?? 256;
    for (let from = 0; from < total; from += wave) {
      const count = Math.min(wave, total - from);
      results.push(...(await Promise.all([...Array(count).keys()].map((k) => make(from + k)))));
      commands += count;
      options.onProgress?.({
        phase: name,
        done: from + count,
        total,
        elapsedMs: performance.now() - started,
      });
    }
    return results;
  };
  const run = async (type: string, input: unknown) =>
    (await tower.bus.execute(type, input, SYSTEM_ACTOR)).id!;

  const teams = await phase('teams', size.teams, (i) =>
    run('CreateTeam', { name: `team-${pad(i, 4)}` }),
  );
  const users = await phase('users', size.users, (i) =>
    run('CreateTowerUser', {
      email: `user-${pad(i, 5)}@seed.tower`,
      displayName: `Seed User ${i}`,
      role: i % 100 === 0 ? 'admin' : 'user',
      password: options.password,
    }),
  );
  const members = new Map(teams.map((team) => [team, [] as string[]]));
  if (teams.length > 0) {
    for (const user of users) for (const team of some(teams, 2)) members.get(team)!.push(user);
  }
  await phase('team members', teams.length, (i) =>
    run('SetTeamMembers', { teamId: teams[i], users: members.get(teams[i]!) }),
  );
  const profiles = await phase('limit profiles', 3, (i) =>
    run('CreateLimitProfile', {
      name: ['small', 'medium', 'large'][i],
      limits: {
        connections: 100 * 10 ** i,
        payload: 1_048_576,
        jetstream: { streams: 10 * 10 ** i },
      },
      isDefault: i === 1,
    }),
  );
  const installations = await phase('installations', size.installations, (i) =>
    run('CreateInstallation', {
      name: `installation-${pad(i, 2)}`,
      urls: [`nats://nats-${pad(i, 2)}.seed.example:4222`],
      description: i % 3 === 0 ? 'open to every team' : 'assigned to some teams',
      teams: i % 3 === 0 || teams.length === 0 ? [] : some(teams, 2),
    }),
  );
  const accounts = await phase('accounts', installations.length ? size.accounts : 0, (i) =>
    run('CreateAccount', {
      installationId: installations[i % installations.length],
      name: `account-${pad(i, 5)}`,
      description: `Seeded account ${i}`,
      teams: random() < 0.4 || teams.length === 0 ? [] : some(teams, 2),
      limitProfileId: pick(profiles),
    }),
  );
  await phase('NATS users', accounts.length ? size.natsUsers : 0, (i) =>
    run('CreateNatsUser', {
      accountId: accounts[i % accounts.length],
      name: `svc-${pad(i, 6)}`,
      description: 'seeded service user',
      permissions: {
        pub: { allow: [`svc.${i}.>`, '_INBOX.>'], deny: [] },
        sub: { allow: [`svc.${i}.>`, '_INBOX.>'], deny: [] },
      },
    }),
  );

  return {
    commands,
    events: tower.log.head().seq - head,
    seconds: (performance.now() - started) / 1000,
  };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** A small seeded PRNG: the same seed, the same sequence. */
function mulberry32(seedValue: number): () => number {
  let state = seedValue >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
