import type { EventOf, TowerEventType } from '../../events/index.ts';
import type { NameKind, NameQueries } from '../../projections/queries/index.ts';

/**
 * Names of what events point at, as they are called now; something deleted since shows as its
 * id. Team names are shown to admins only: a user may see an account without being in every
 * team it has.
 */
export interface EventNames {
  user(id: string): string;
  team(id: string): string;
  teams(ids: readonly string[]): string;
  installation(id: string): string;
  account(id: string): string;
  natsUser(id: string): string;
  profile(id: string): string;
}

/** What naming and describing an event reads of it. */
export interface DescribedEvent {
  type: string;
  data: unknown;
  actorId: string;
}

/**
 * Names for a page of events, read with one statement per kind of entity: the describers run
 * once to learn which ids the page names, and the lines are then written with every name at
 * hand. Naming each id as it came up ran a statement for each.
 */
export function pageNames(
  queries: NameQueries,
  admin: boolean,
  events: readonly DescribedEvent[],
): EventNames {
  const wanted = new Map<NameKind, Set<string>>();
  const want = (kind: NameKind, id: string) => {
    const ids = wanted.get(kind) ?? new Set<string>();
    wanted.set(kind, ids.add(id));
  };
  const recorder = namesBy((kind, id) => {
    want(kind, id);
    return id;
  }, admin);
  for (const event of events) {
    want('user', event.actorId);
    describeEvent(event.type, event.data, recorder);
  }
  const found = new Map([...wanted].map(([kind, ids]) => [kind, queries[kind]([...ids])] as const));
  return namesBy((kind, id) => {
    const name = found.get(kind)?.get(id);
    return name === undefined ? id : `"${name}"`;
  }, admin);
}

function namesBy(name: (kind: NameKind, id: string) => string, admin: boolean): EventNames {
  const team = (id: string) => name('team', id);
  return {
    user: (id) => name('user', id),
    team,
    teams: (ids) => {
      if (ids.length === 0) return 'no teams (everyone)';
      return admin ? ids.map(team).join(', ') : `${ids.length} team(s)`;
    },
    installation: (id) => name('installation', id),
    account: (id) => name('account', id),
    natsUser: (id) => name('natsUser', id),
    profile: (id) => name('profile', id),
  };
}

type Describer<T extends TowerEventType> = (data: EventOf<T>['data'], names: EventNames) => string;

/** The fields a partial update names, for "changed name, description". */
function changedFields(data: object, ignore: readonly string[]): string {
  const fields = Object.entries(data)
    .filter(([key, value]) => value !== undefined && !ignore.includes(key))
    .map(([key]) => key);
  return fields.length > 0 ? fields.join(', ') : 'nothing';
}

const limitText = (value: number) => (value === -1 ? 'unlimited' : String(value));

/** One readable line per event type: what changed, in the words of the pages. */
const DESCRIBERS: { [T in TowerEventType]: Describer<T> } = {
  TowerUserCreated: (d) => `Created ${d.role} "${d.displayName}" <${d.email}>`,
  TowerUserDisabled: (d, n) => `Disabled user ${n.user(d.userId)}`,
  TowerUserEnabled: (d, n) => `Enabled user ${n.user(d.userId)}`,
  TowerUserPasswordChanged: (d, n) =>
    d.reset
      ? `Reset the password of ${n.user(d.userId)}`
      : `${n.user(d.userId)} changed their password`,
  TowerUserRoleChanged: (d, n) =>
    `Made ${n.user(d.userId)} ${d.role === 'admin' ? 'an admin' : 'a user'}`,
  TowerUserRenamed: (d) => `Renamed a user to "${d.displayName}"`,
  TeamCreated: (d) => `Created team "${d.name}"`,
  TeamRenamed: (d) => `Renamed a team to "${d.name}"`,
  TeamDeleted: (d, n) => `Deleted team ${n.team(d.teamId)}`,
  TeamMemberAdded: (d, n) => `Added ${n.user(d.userId)} to team ${n.team(d.teamId)}`,
  TeamMemberRemoved: (d, n) => `Removed ${n.user(d.userId)} from team ${n.team(d.teamId)}`,
  InstallationCreated: (d, n) =>
    `Created installation "${d.name}" at ${d.urls.join(', ')}, seen by ${n.teams(d.teams)}`,
  InstallationUpdated: (d, n) =>
    `Changed ${changedFields(d, ['installationId'])} of installation ${n.installation(d.installationId)}`,
  InstallationTeamsSet: (d, n) =>
    `Installation ${n.installation(d.installationId)} is now seen by ${n.teams(d.teams)}`,
  InstallationDeleted: (d, n) => `Deleted installation ${n.installation(d.installationId)}`,
  LimitProfileCreated: (d) => `Created limit profile "${d.name}"`,
  LimitProfileUpdated: (d, n) =>
    `Changed ${changedFields(d, ['profileId'])} of limit profile ${n.profile(d.profileId)}`,
  LimitProfileDeleted: (d, n) => `Deleted limit profile ${n.profile(d.profileId)}`,
  LimitProfileMarkedDefault: (d, n) => `Made ${n.profile(d.profileId)} the default limit profile`,
  AccountCreated: (d, n) =>
    `Created account "${d.name}" in installation ${n.installation(d.installationId)}, seen by ${n.teams(d.teams)}`,
  AccountUpdated: (d, n) =>
    `Changed ${changedFields(d, ['accountId'])} of account ${n.account(d.accountId)}`,
  AccountTeamsSet: (d, n) => `Account ${n.account(d.accountId)} is now seen by ${n.teams(d.teams)}`,
  AccountLimitsSet: (d, n) =>
    `Set the limits of account ${n.account(d.accountId)}: ` +
    `${d.limitProfileId ? `profile ${n.profile(d.limitProfileId)}` : 'no profile'}, ` +
    `${Object.keys(d.limits).length} own limit(s)`,
  AccountDeleted: (d, n) => `Deleted account ${n.account(d.accountId)}`,
  NatsUserCreated: (d, n) =>
    `Created NATS user "${d.name}" in account ${n.account(d.accountId)}` +
    `${d.bearer ? ' (bearer)' : ''}, subscriptions ${limitText(d.limits.subscriptions)}`,
  NatsUserUpdated: (d, n) =>
    `Changed ${changedFields(d, ['natsUserId', 'accountId'])} of NATS user ${n.natsUser(d.natsUserId)}`,
  NatsUserCredentialsRotated: (d, n) =>
    `Rotated the key of NATS user ${n.natsUser(d.natsUserId)}; the old one is revoked`,
  NatsUserDeleted: (d, n) =>
    `Deleted NATS user ${n.natsUser(d.natsUserId)} of account ${n.account(d.accountId)}; its key is revoked`,
  ApiTokenCreated: (d, n) =>
    `Created API token "${d.name}" for ${n.user(d.userId)}${d.expiresAt ? `, expiring ${d.expiresAt}` : ''}`,
  ApiTokenRevoked: (d, n) => `Revoked an API token of ${n.user(d.userId)}`,
};

/** The line the audit log shows for an event; an unknown type shows as itself. */
export function describeEvent(type: string, data: unknown, names: EventNames): string {
  const describer = DESCRIBERS[type as TowerEventType] as Describer<TowerEventType> | undefined;
  return describer ? describer(data as never, names) : type;
}
