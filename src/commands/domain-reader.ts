import type { AccountLimits, NatsUserLimits, PartialLimits } from '../domain/limits.ts';
import type { Permissions } from '../domain/subjects.ts';
import type { TowerRole } from '../events/index.ts';

export interface TowerUserState {
  id: string;
  email: string;
  displayName: string;
  role: TowerRole;
  disabled: boolean;
  version: number;
}

export interface TeamState {
  id: string;
  name: string;
  members: string[];
  version: number;
}

export interface InstallationState {
  id: string;
  name: string;
  urls: string[];
  description: string;
  teams: string[];
  version: number;
}

export interface LimitProfileState {
  id: string;
  name: string;
  description: string;
  limits: AccountLimits;
  isDefault: boolean;
  version: number;
}

export interface AccountState {
  id: string;
  installationId: string;
  name: string;
  description: string;
  teams: string[];
  limitProfileId: string | null;
  explicitLimits: PartialLimits;
  effectiveLimits: AccountLimits;
  publicKey: string;
  version: number;
}

export interface NatsUserState {
  id: string;
  accountId: string;
  name: string;
  description: string;
  permissions: Permissions;
  limits: NatsUserLimits;
  bearer: boolean;
  expiresAt: string | null;
  publicKey: string;
  version: number;
}

export interface ApiTokenState {
  id: string;
  userId: string;
  name: string;
  expiresAt: string | null;
  revoked: boolean;
  version: number;
}

/**
 * The read side the deciders load their state through. The store implements it over the read
 * models, which are always current because projections run in the append's transaction.
 */
export interface DomainReader {
  towerUser(id: string): TowerUserState | undefined;
  towerUserByEmail(email: string): TowerUserState | undefined;
  /** The ids of the teams a Tower user belongs to. */
  teamsOf(userId: string): string[];

  team(id: string): TeamState | undefined;
  teamByName(name: string): TeamState | undefined;
  /** How many installations and accounts a team is assigned to. */
  teamAssignments(teamId: string): { installations: number; accounts: number };

  installation(id: string): InstallationState | undefined;
  installationByName(name: string): InstallationState | undefined;
  accountCount(installationId: string): number;

  limitProfile(id: string): LimitProfileState | undefined;
  limitProfileByName(name: string): LimitProfileState | undefined;
  defaultLimitProfile(): LimitProfileState | undefined;
  /** How many accounts follow a profile. */
  profileUsage(profileId: string): number;

  account(id: string): AccountState | undefined;
  accountByName(installationId: string, name: string): AccountState | undefined;

  natsUser(id: string): NatsUserState | undefined;
  natsUserByName(accountId: string, name: string): NatsUserState | undefined;

  apiToken(id: string): ApiTokenState | undefined;
}
