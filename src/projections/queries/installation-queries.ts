import type { Database } from 'better-sqlite3';
import { pageParams, toPage, type Page, type PageRequest } from './page.ts';
import { idList, notFound } from './not-found.ts';
import { installationVisibleSql, viewerParams, type QueryViewer } from './viewer.ts';
import { limitSql } from '../../store/database.ts';

/** An installation as the API and the pages show it. */
export interface InstallationView {
  id: string;
  name: string;
  urls: string[];
  description: string;
  /** Teams that may see it; empty means every team. */
  teams: string[];
  operatorPublicKey: string;
  systemAccountPublicKey: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

interface Row {
  id: string;
  name: string;
  urls: string;
  description: string;
  teams: string;
  operator_public_key: string;
  system_account_public_key: string;
  created_at: string;
  updated_at: string;
  version: number;
}

const SELECT = `SELECT i.id, i.name, i.urls, i.description, i.operator_public_key,
    i.system_account_public_key, i.created_at, i.updated_at, i.version,
    (SELECT json_group_array(t.team_id) FROM installation_teams t
      WHERE t.installation_id = i.id) AS teams
  FROM installations i`;

function toView(row: Row): InstallationView {
  return {
    id: row.id,
    name: row.name,
    urls: JSON.parse(row.urls) as string[],
    description: row.description,
    teams: idList(row.teams),
    operatorPublicKey: row.operator_public_key,
    systemAccountPublicKey: row.system_account_public_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

export type InstallationQueries = ReturnType<typeof installationQueries>;

/** Installations the viewer may see, by name. */
export function installationQueries(db: Database) {
  const one = db.prepare(`${SELECT} WHERE i.id = @id AND ${installationVisibleSql('i.id')}`);
  const page = db.prepare(
    `${SELECT}
     WHERE (i.name, i.id) > (@afterKey, @afterId)
       AND (@search IS NULL OR i.name LIKE @search ESCAPE '\\')
       AND ${installationVisibleSql('i.id')}
     ORDER BY i.name, i.id ${limitSql('@limit')}`,
  );

  return {
    /** The installation, or not_found when it is missing or hidden from the viewer. */
    get(viewer: QueryViewer, id: string): InstallationView {
      const row = one.get({ id, ...viewerParams(viewer) }) as Row | undefined;
      if (!row) throw notFound('installation', id);
      return toView(row);
    },

    list(viewer: QueryViewer, request: PageRequest = {}): Page<InstallationView> {
      const rows = page.all({ ...pageParams(request), ...viewerParams(viewer) }) as Row[];
      return toPage(rows, request, (row) => [row.name, row.id], toView);
    },
  };
}
