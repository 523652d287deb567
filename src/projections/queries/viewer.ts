/** Who reads: a Tower user, and whether they are an admin (admins see everything). */
export interface QueryViewer {
  userId: string;
  admin: boolean;
}

/** The named parameters the visibility fragments below read. */
export function viewerParams(viewer: QueryViewer): { viewerId: string; admin: 0 | 1 } {
  return { viewerId: viewer.userId, admin: viewer.admin ? 1 : 0 };
}

/**
 * The seed's team rule in SQL, for the entity whose id is `idExpr`: it has no teams, or one of
 * its teams has the viewer (`@viewerId`) as a member. Both probes are primary-key lookups.
 */
function teamsAllow(table: string, column: string, idExpr: string): string {
  return `(NOT EXISTS (SELECT 1 FROM ${table} g WHERE g.${column} = ${idExpr})
    OR EXISTS (SELECT 1 FROM ${table} g JOIN team_members m ON m.team_id = g.team_id
      WHERE g.${column} = ${idExpr} AND m.user_id = @viewerId))`;
}

/** SQL that is true when the viewer may see the installation `idExpr`; as domain/visibility.ts. */
export function installationVisibleSql(idExpr: string): string {
  return `(@admin = 1 OR ${teamsAllow('installation_teams', 'installation_id', idExpr)})`;
}

/** SQL that is true when the viewer may see the account: its installation and itself allow. */
export function accountVisibleSql(accountIdExpr: string, installationIdExpr: string): string {
  return `(@admin = 1 OR (${teamsAllow('installation_teams', 'installation_id', installationIdExpr)}
    AND ${teamsAllow('account_teams', 'account_id', accountIdExpr)}))`;
}
