import type { Database } from 'better-sqlite3';
import type { AccountLimits, PartialLimits } from '../../domain/limits.ts';
import type { InstallationQueries } from './installation-queries.ts';
import { idList, notFound } from './not-found.ts';
import { pageParams, toPage, type Page, type PageRequest } from './page.ts';
import { accountVisibleSql, viewerParams, type QueryViewer } from './viewer.ts';
import { limitSql } from '../../store/database.ts';

/** Where the account's current JWT stands on its installation, from the publisher's outbox. */
export interface AccountPublicationView {
  state: 'published' | 'pending' | 'failed';
  /** The servers that acknowledged the current JWT. */
  servers: string[];
  /** Why the servers refused it (failed), or why the last try got no answer (pending). */
  error: string | null;
  publishedAt: string | null;
}

/** An account as the API and the pages show it. */
export interface AccountView {
  id: string;
  installationId: string;
  name: string;
  description: string;
  /** Teams that may see it; empty means every team that sees the installation. */
  teams: string[];
  limitProfileId: string | null;
  /** The limits set on the account itself, laid over its profile's. */
  limits: PartialLimits;
  /** What the account JWT carries: the profile's limits with the account's own laid over. */
  effectiveLimits: AccountLimits;
  publicKey: string;
  publication: AccountPublicationView;
  createdAt: string;
  updatedAt: string;
  version: number;
}

interface Row {
  id: string;
  installation_id: string;
  name: string;
  description: string;
  teams: string;
  limit_profile_id: string | null;
  explicit_limits: string;
  effective_limits: string;
  public_key: string;
  created_at: string;
  updated_at: string;
  version: number;
  outbox_state: AccountPublicationView['state'] | null;
  acked_servers: string | null;
  last_error: string | null;
  published_at: string | null;
}

const SELECT = `SELECT a.id, a.installation_id, a.name, a.description, a.limit_profile_id,
    a.explicit_limits, a.effective_limits, a.public_key, a.created_at, a.updated_at, a.version,
    (SELECT json_group_array(t.team_id) FROM account_teams t WHERE t.account_id = a.id) AS teams,
    o.state AS outbox_state, o.acked_servers, o.last_error, o.published_at
  FROM accounts a
  LEFT JOIN outbox o ON o.installation_id = a.installation_id
    AND o.account_public_key = a.public_key`;

const VISIBLE = accountVisibleSql('a.id', 'a.installation_id');

function toView(row: Row): AccountView {
  return {
    id: row.id,
    installationId: row.installation_id,
    name: row.name,
    description: row.description,
    teams: idList(row.teams),
    limitProfileId: row.limit_profile_id,
    limits: JSON.parse(row.explicit_limits) as PartialLimits,
    effectiveLimits: JSON.parse(row.effective_limits) as AccountLimits,
    publicKey: row.public_key,
    publication: {
      state: row.outbox_state ?? 'pending',
      servers: JSON.parse(row.acked_servers ?? '[]') as string[],
      error: row.last_error,
      publishedAt: row.published_at,
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

export type AccountQueries = ReturnType<typeof accountQueries>;

/** Accounts the viewer may see: those of visible installations that their teams allow. */
export function accountQueries(db: Database, installations: InstallationQueries) {
  const one = db.prepare(`${SELECT} WHERE a.id = @id AND ${VISIBLE}`);
  const page = db.prepare(
    `${SELECT}
     WHERE a.installation_id = @installationId
       AND (a.name, a.id) > (@afterKey, @afterId)
       AND (@search IS NULL OR a.name LIKE @search ESCAPE '\\')
       AND ${VISIBLE}
     ORDER BY a.name, a.id ${limitSql('@limit')}`,
  );
  const visible = db.prepare(`SELECT 1 FROM accounts a WHERE a.id = @id AND ${VISIBLE}`);
  const visibleIds = db
    .prepare(`SELECT a.id FROM accounts a WHERE a.installation_id = @installationId AND ${VISIBLE}`)
    .pluck();

  return {
    /** The account, or not_found when it is missing or hidden from the viewer. */
    get(viewer: QueryViewer, id: string): AccountView {
      const row = one.get({ id, ...viewerParams(viewer) }) as Row | undefined;
      if (!row) throw notFound('account', id);
      return toView(row);
    },

    /** Throws not_found, as `get` does, unless the viewer may see the account; reads no more. */
    requireVisible(viewer: QueryViewer, id: string): void {
      if (!visible.get({ id, ...viewerParams(viewer) })) throw notFound('account', id);
    },

    /** The accounts of an installation; not_found when the installation is hidden. */
    list(
      viewer: QueryViewer,
      installationId: string,
      request: PageRequest = {},
    ): Page<AccountView> {
      installations.get(viewer, installationId);
      const params = { installationId, ...pageParams(request), ...viewerParams(viewer) };
      const rows = page.all(params) as Row[];
      return toPage(rows, request, (row) => [row.name, row.id], toView);
    },

    /** The ids of the installation's accounts the viewer may see, e.g. to filter a status. */
    visibleIds(viewer: QueryViewer, installationId: string): Set<string> {
      return new Set(visibleIds.all({ installationId, ...viewerParams(viewer) }) as string[]);
    },
  };
}
