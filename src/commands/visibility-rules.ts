import { canSeeAccount, canSeeInstallation } from '../domain/visibility.ts';
import type { Actor } from './define-command.ts';
import type { AccountState, DomainReader, InstallationState } from './domain-reader.ts';
import { notFound } from './rules.ts';

/** The actor with the teams they belong to, as the visibility rules need them. */
export function viewerOf(reader: DomainReader, actor: Actor) {
  return { role: actor.role, teams: actor.role === 'user' ? reader.teamsOf(actor.userId) : [] };
}

/** The installation, or not_found when it does not exist or the viewer may not see it. */
export function visibleInstallation(
  viewer: ReturnType<typeof viewerOf>,
  installation: InstallationState | undefined,
  id: string,
  field?: string,
): InstallationState {
  if (!installation || !canSeeInstallation(viewer, installation.teams)) {
    throw notFound('installation', id, field);
  }
  return installation;
}

export interface AccountInView {
  account: AccountState | undefined;
  installation: InstallationState | undefined;
}

/** Loads an account with its installation, for visibility checks. */
export function loadAccount(reader: DomainReader, accountId: string): AccountInView {
  const account = reader.account(accountId);
  return { account, installation: account && reader.installation(account.installationId) };
}

export function visibleAccount(
  viewer: ReturnType<typeof viewerOf>,
  view: AccountInView,
  id: string,
  field?: string,
): AccountState {
  const { account, installation } = view;
  if (!account || !installation || !canSeeAccount(viewer, installation.teams, account.teams)) {
    throw notFound('account', id, field);
  }
  return account;
}
