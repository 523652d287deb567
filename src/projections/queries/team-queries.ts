import type { Database } from 'better-sqlite3';
import { idList, notFound } from './not-found.ts';
import { pageParams, toPage, type Page, type PageRequest } from './page.ts';
import { viewerParams, type QueryViewer } from './viewer.ts';

/** A team with the ids of its members. */
export interface TeamView {
  id: string;
  name: string;
  members: string[];
  createdAt: string;
  version: number;
}

interface Row {
  id: string;
  name: string;
  members: string;
  created_at: string;
  version: number;
}

const SELECT = `SELECT t.id, t.name, t.created_at, t.version,
    (SELECT json_group_array(m.user_id) FROM team_members m WHERE m.team_id = t.id) AS members
  FROM teams t`;

/** Admins see every team; a user sees the teams they belong to. */
const VISIBLE = `(@admin = 1 OR EXISTS (SELECT 1 FROM team_members m
  WHERE m.team_id = t.id AND m.user_id = @viewerId))`;

function toView(row: Row): TeamView {
  return {
    id: row.id,
    name: row.name,
    members: idList(row.members),
    createdAt: row.created_at,
    version: row.version,
  };
}

export type TeamQueries = ReturnType<typeof teamQueries>;

export function teamQueries(db: Database) {
  const one = db.prepare(`${SELECT} WHERE t.id = @id AND ${VISIBLE}`);
  const page = db.prepare(
    `${SELECT}
     WHERE (t.name, t.id) > (@afterKey, @afterId)
       AND (@search IS NULL OR t.name LIKE @search ESCAPE '\\')
       AND ${VISIBLE}
     ORDER BY t.name, t.id LIMIT @limit`,
  );

  return {
    get(viewer: QueryViewer, id: string): TeamView {
      const row = one.get({ id, ...viewerParams(viewer) }) as Row | undefined;
      if (!row) throw notFound('team', id);
      return toView(row);
    },

    list(viewer: QueryViewer, request: PageRequest = {}): Page<TeamView> {
      const rows = page.all({ ...pageParams(request), ...viewerParams(viewer) }) as Row[];
      return toPage(rows, request, (row) => [row.name, row.id], toView);
    },
  };
}
