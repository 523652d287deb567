import type { Database, Statement } from 'better-sqlite3';
import type {
  AccountState,
  ApiTokenState,
  DomainReader,
  InstallationState,
  LimitProfileState,
  NatsUserState,
  TeamState,
  TowerUserState,
} from '../commands/domain-reader.ts';
import type { TowerRole } from '../events/index.ts';

type Row = Record<string, unknown>;

/** The deciders' view of the read models, one indexed query per question. */
export class SqliteDomainReader implements DomainReader {
  readonly #q: Record<string, Statement>;
  readonly #teamsOf: Statement;
  readonly #members: Statement;
  readonly #installationTeams: Statement;
  readonly #accountTeams: Statement;

  constructor(db: Database) {
    const q = (sql: string) => db.prepare(sql);
    this.#q = {
      user: q('SELECT * FROM tower_users WHERE id = ?'),
      userByEmail: q('SELECT * FROM tower_users WHERE email = ?'),
      team: q('SELECT * FROM teams WHERE id = ?'),
      teamByName: q('SELECT * FROM teams WHERE name = ?'),
      teamInstallations: q('SELECT count(*) AS n FROM installation_teams WHERE team_id = ?'),
      teamAccounts: q('SELECT count(*) AS n FROM account_teams WHERE team_id = ?'),
      installation: q('SELECT * FROM installations WHERE id = ?'),
      installationByName: q('SELECT * FROM installations WHERE name = ?'),
      accountCount: q('SELECT count(*) AS n FROM accounts WHERE installation_id = ?'),
      profile: q('SELECT * FROM limit_profiles WHERE id = ?'),
      profileByName: q('SELECT * FROM limit_profiles WHERE name = ?'),
      defaultProfile: q('SELECT * FROM limit_profiles WHERE is_default = 1'),
      profileUsage: q('SELECT count(*) AS n FROM accounts WHERE limit_profile_id = ?'),
      account: q('SELECT * FROM accounts WHERE id = ?'),
      accountByName: q('SELECT * FROM accounts WHERE installation_id = ? AND name = ?'),
      natsUser: q('SELECT * FROM nats_users WHERE id = ?'),
      natsUserByName: q('SELECT * FROM nats_users WHERE account_id = ? AND name = ?'),
      apiToken: q('SELECT * FROM api_tokens WHERE id = ?'),
    };
    this.#teamsOf = q('SELECT team_id FROM team_members WHERE user_id = ?').pluck();
    this.#members = q('SELECT user_id FROM team_members WHERE team_id = ?').pluck();
    this.#installationTeams = q(
      'SELECT team_id FROM installation_teams WHERE installation_id = ?',
    ).pluck();
    this.#accountTeams = q('SELECT team_id FROM account_teams WHERE account_id = ?').pluck();
  }

  #one(name: string, ...params: unknown[]): Row | undefined {
    return this.#q[name]!.get(...params) as Row | undefined;
  }

  #count(name: string, id: string): number {
    return (this.#one(name, id)?.n as number | undefined) ?? 0;
  }

  towerUser(id: string) {
    return toUser(this.#one('user', id));
  }
  towerUserByEmail(email: string) {
    return toUser(this.#one('userByEmail', email.toLowerCase()));
  }
  teamsOf(userId: string): string[] {
    return this.#teamsOf.all(userId) as string[];
  }

  team(id: string) {
    return this.#toTeam(this.#one('team', id));
  }
  teamByName(name: string) {
    return this.#toTeam(this.#one('teamByName', name));
  }
  teamAssignments(teamId: string) {
    return {
      installations: this.#count('teamInstallations', teamId),
      accounts: this.#count('teamAccounts', teamId),
    };
  }

  installation(id: string) {
    return this.#toInstallation(this.#one('installation', id));
  }
  installationByName(name: string) {
    return this.#toInstallation(this.#one('installationByName', name));
  }
  accountCount(installationId: string): number {
    return this.#count('accountCount', installationId);
  }

  limitProfile(id: string) {
    return toProfile(this.#one('profile', id));
  }
  limitProfileByName(name: string) {
    return toProfile(this.#one('profileByName', name));
  }
  defaultLimitProfile() {
    return toProfile(this.#one('defaultProfile'));
  }
  profileUsage(profileId: string): number {
    return this.#count('profileUsage', profileId);
  }

  account(id: string) {
    return this.#toAccount(this.#one('account', id));
  }
  accountByName(installationId: string, name: string) {
    return this.#toAccount(this.#one('accountByName', installationId, name));
  }

  natsUser(id: string) {
    return toNatsUser(this.#one('natsUser', id));
  }
  natsUserByName(accountId: string, name: string) {
    return toNatsUser(this.#one('natsUserByName', accountId, name));
  }

  apiToken(id: string) {
    return toApiToken(this.#one('apiToken', id));
  }

  #toTeam(row: Row | undefined): TeamState | undefined {
    if (!row) return undefined;
    const id = row.id as string;
    return {
      id,
      name: row.name as string,
      members: this.#members.all(id) as string[],
      version: row.version as number,
    };
  }

  #toInstallation(row: Row | undefined): InstallationState | undefined {
    if (!row) return undefined;
    const id = row.id as string;
    return {
      id,
      name: row.name as string,
      urls: JSON.parse(row.urls as string) as string[],
      description: row.description as string,
      teams: this.#installationTeams.all(id) as string[],
      version: row.version as number,
    };
  }

  #toAccount(row: Row | undefined): AccountState | undefined {
    if (!row) return undefined;
    const id = row.id as string;
    return {
      id,
      installationId: row.installation_id as string,
      name: row.name as string,
      description: row.description as string,
      teams: this.#accountTeams.all(id) as string[],
      limitProfileId: (row.limit_profile_id as string | null) ?? null,
      explicitLimits: JSON.parse(row.explicit_limits as string),
      effectiveLimits: JSON.parse(row.effective_limits as string),
      publicKey: row.public_key as string,
      version: row.version as number,
    };
  }
}

function toUser(row: Row | undefined): TowerUserState | undefined {
  if (!row) return undefined;
  return {
    id: row.id as string,
    email: row.email as string,
    displayName: row.display_name as string,
    role: row.role as TowerRole,
    disabled: row.disabled === 1,
    version: row.version as number,
  };
}

function toProfile(row: Row | undefined): LimitProfileState | undefined {
  if (!row) return undefined;
  return {
    id: row.id as string,
    name: row.name as string,
    description: row.description as string,
    limits: JSON.parse(row.limits as string),
    isDefault: row.is_default === 1,
    version: row.version as number,
  };
}

function toNatsUser(row: Row | undefined): NatsUserState | undefined {
  if (!row) return undefined;
  return {
    id: row.id as string,
    accountId: row.account_id as string,
    name: row.name as string,
    description: row.description as string,
    permissions: JSON.parse(row.permissions as string),
    limits: JSON.parse(row.limits as string),
    bearer: row.bearer === 1,
    expiresAt: (row.expires_at as string | null) ?? null,
    publicKey: row.public_key as string,
    version: row.version as number,
  };
}

function toApiToken(row: Row | undefined): ApiTokenState | undefined {
  if (!row) return undefined;
  return {
    id: row.id as string,
    userId: row.user_id as string,
    name: row.name as string,
    expiresAt: (row.expires_at as string | null) ?? null,
    revoked: row.revoked === 1,
    version: row.version as number,
  };
}
