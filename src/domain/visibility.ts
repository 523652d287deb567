/**
 * The seed's visibility rule: an installation or account with no teams is visible to every
 * team; otherwise a user sees it when they share a team with it. Admins see everything.
 */
export function teamsAllow(entityTeams: readonly string[], userTeams: readonly string[]): boolean {
  if (entityTeams.length === 0) return true;
  return entityTeams.some((team) => userTeams.includes(team));
}

export interface Viewer {
  role: 'admin' | 'user' | 'system';
  teams: readonly string[];
}

/** An account is visible when its installation is and the account itself is. */
export function canSeeAccount(
  viewer: Viewer,
  installationTeams: readonly string[],
  accountTeams: readonly string[],
): boolean {
  if (viewer.role !== 'user') return true;
  return teamsAllow(installationTeams, viewer.teams) && teamsAllow(accountTeams, viewer.teams);
}

export function canSeeInstallation(viewer: Viewer, installationTeams: readonly string[]): boolean {
  return viewer.role !== 'user' || teamsAllow(installationTeams, viewer.teams);
}
