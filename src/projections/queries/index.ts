import type { Database } from 'better-sqlite3';
import { accountQueries } from './account-queries.ts';
import { apiTokenQueries } from './api-token-queries.ts';
import { eventQueries } from './event-queries.ts';
import { installationQueries } from './installation-queries.ts';
import { limitProfileQueries } from './limit-profile-queries.ts';
import { nameQueries } from './name-queries.ts';
import { natsUserQueries } from './nats-user-queries.ts';
import { teamQueries } from './team-queries.ts';
import { towerUserQueries } from './tower-user-queries.ts';

export type * from './account-queries.ts';
export type * from './api-token-queries.ts';
export type * from './event-queries.ts';
export type * from './installation-queries.ts';
export type * from './limit-profile-queries.ts';
export type * from './name-queries.ts';
export type * from './nats-user-queries.ts';
export type * from './team-queries.ts';
export type * from './tower-user-queries.ts';
export type { QueryViewer } from './viewer.ts';
export { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, type Page, type PageRequest } from './page.ts';

/**
 * The read side for the API and the pages: every list is paged (at most 100 items) and shows
 * only what the viewer may see; `get` of anything hidden throws not_found, exactly as for
 * something that does not exist. Statements are prepared once per database.
 *
 * @example
 * const queries = createQueries(tower.db);
 * const viewer = { userId: actor.userId, admin: actor.role === 'admin' };
 * const { items, nextCursor } = queries.accounts.list(viewer, installationId, { search: 'ord' });
 */
export function createQueries(db: Database) {
  const installations = installationQueries(db);
  const accounts = accountQueries(db, installations);
  return {
    installations,
    accounts,
    natsUsers: natsUserQueries(db, accounts),
    teams: teamQueries(db),
    towerUsers: towerUserQueries(db),
    limitProfiles: limitProfileQueries(db),
    events: eventQueries(db),
    apiTokens: apiTokenQueries(db),
    names: nameQueries(db),
  };
}

export type Queries = ReturnType<typeof createQueries>;
