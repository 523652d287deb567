import fc from 'fast-check';
import { isTowerError } from '../../src/errors/index.ts';
import type { Actor } from '../../src/commands/index.ts';
import type { Tower } from '../../src/app/open-tower.ts';

/** One step of a random fixture run: what to do and numbers to pick its targets with. */
export interface Step {
  kind: (typeof KINDS)[number];
  a: number;
  b: number;
  asUser: boolean;
}

const KINDS = [
  'createTeam',
  'renameTeam',
  'addMember',
  'removeMember',
  'createInstallation',
  'setInstallationTeams',
  'createProfile',
  'updateProfile',
  'markDefault',
  'createAccount',
  'setAccountTeams',
  'setAccountLimits',
  'updateAccount',
  'deleteAccount',
  'createNatsUser',
  'updateNatsUser',
  'rotateNatsUser',
  'deleteNatsUser',
] as const;

// Creations come up more often than the rest, so that runs build real state to change.
const WEIGHTED_KINDS: Step['kind'][] = [
  ...KINDS,
  'createInstallation',
  'createAccount',
  'createAccount',
  'createAccount',
  'createNatsUser',
  'createNatsUser',
  'createNatsUser',
  'createNatsUser',
  'addMember',
];

export const stepArbitrary: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom(...WEIGHTED_KINDS),
  a: fc.nat(1000),
  b: fc.nat(1000),
  asUser: fc.nat(9).map((n) => n < 3),
});

function pick(tower: Tower, table: string, n: number): string {
  const ids = tower.db.prepare(`SELECT id FROM ${table} ORDER BY id`).pluck().all() as string[];
  return ids.length === 0 ? 'missing' : ids[n % ids.length]!;
}

/** Builds the command for a step against the current state. */
function commandFor(tower: Tower, step: Step): [string, Record<string, unknown>] {
  const { a, b } = step;
  const team = () => pick(tower, 'teams', a);
  const account = () => pick(tower, 'accounts', a);
  const natsUser = () => pick(tower, 'nats_users', a);
  switch (step.kind) {
    case 'createTeam':
      return ['CreateTeam', { name: `team ${a % 40}` }];
    case 'renameTeam':
      return ['RenameTeam', { teamId: team(), name: `team ${b % 40}` }];
    case 'addMember':
      return ['AddTeamMember', { teamId: team(), userId: pick(tower, 'tower_users', b) }];
    case 'removeMember':
      return ['RemoveTeamMember', { teamId: team(), userId: pick(tower, 'tower_users', b) }];
    case 'createInstallation':
      return ['CreateInstallation', { name: `inst ${a % 6}`, urls: [`nats://n${b}.example:4222`] }];
    case 'setInstallationTeams':
      return [
        'SetInstallationTeams',
        { installationId: pick(tower, 'installations', a), teams: b % 3 ? [team()] : [] },
      ];
    case 'createProfile':
      return [
        'CreateLimitProfile',
        { name: `profile ${a % 5}`, limits: { connections: b }, isDefault: b % 4 === 0 },
      ];
    case 'updateProfile':
      return [
        'UpdateLimitProfile',
        {
          profileId: pick(tower, 'limit_profiles', a),
          limits: { payload: b * 100, jetstream: { streams: b % 9 } },
        },
      ];
    case 'markDefault':
      return ['MarkDefaultLimitProfile', { profileId: pick(tower, 'limit_profiles', a) }];
    case 'createAccount':
      return [
        'CreateAccount',
        {
          installationId: pick(tower, 'installations', a),
          name: `acct ${b % 30}`,
          teams: b % 2 ? [team()] : [],
          limits: { subscriptions: b },
        },
      ];
    case 'setAccountTeams':
      return [
        'SetAccountTeams',
        { accountId: account(), teams: b % 3 ? [pick(tower, 'teams', b)] : [] },
      ];
    case 'setAccountLimits':
      return [
        'SetAccountLimits',
        {
          accountId: account(),
          limits: { data: b * 10 },
          ...(b % 2 ? { limitProfileId: null } : {}),
        },
      ];
    case 'updateAccount':
      return ['UpdateAccount', { accountId: account(), description: `d${b}` }];
    case 'deleteAccount':
      return ['DeleteAccount', { accountId: account() }];
    case 'createNatsUser':
      return [
        'CreateNatsUser',
        {
          accountId: account(),
          name: `svc ${b % 50}`,
          permissions: { pub: { allow: [`orders.${b}.>`] } },
          limits: { subscriptions: b % 7, data: -1, payload: -1 },
        },
      ];
    case 'updateNatsUser':
      return [
        'UpdateNatsUser',
        { natsUserId: natsUser(), description: `u${b}`, bearer: b % 2 === 0 },
      ];
    case 'rotateNatsUser':
      return ['RotateNatsUserCredentials', { natsUserId: natsUser() }];
    case 'deleteNatsUser':
      return ['DeleteNatsUser', { natsUserId: natsUser() }];
  }
}

/**
 * Runs the steps through the command bus. Refusals (TowerError) are part of the game; any
 * other error fails the run.
 */
export async function runSteps(tower: Tower, steps: Step[], admin: Actor, user: Actor) {
  let accepted = 0;
  for (const step of steps) {
    const [type, input] = commandFor(tower, step);
    try {
      await tower.bus.execute(type, input, step.asUser ? user : admin);
      accepted++;
    } catch (error) {
      if (!isTowerError(error) || error.status >= 500) throw error;
    }
  }
  return accepted;
}
