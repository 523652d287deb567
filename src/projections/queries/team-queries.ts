import type { Database } from 'better-sqlite3';
import { idList, notFound } from './not-found.ts';
import { pageParams, toPage, type Page, type PageRequest } from './page.ts';
import { viewerParams, type QueryViewer } from './viewer.ts';
import { limitSql } from '../../store/database.ts';

/** A team with the ids of its members. */
export interface TeamView {
  id: string;
  name: string;
  members: string[];
  createdAt: string;
  version: number;
}

/** A team as forms and lists name it. */
export interface TeamName {
  id: string;
  name: string;
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
     ORDER BY t.name, t.id ${limitSql('@limit')}`,
  );

  // Names only, no member lists: the pages that name teams read them on every request. A user's
  // teams come through team_members_by_user rather than a scan of every team.
  const allNames = db.prepare(
    `SELECT t.id, t.name FROM teams t ORDER BY t.name, t.id ${limitSql('?')}`,
  );
  const memberNames = db.prepare(
    `SELECT t.id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id
     WHERE m.user_id = ? ORDER BY t.name, t.id ${limitSql('?')}`,
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

    /** The id and name of each team the viewer may see, by name; at most `limit`. */
    names(viewer: QueryViewer, limit: number): TeamName[] {
      const rows = viewer.admin ? allNames.all(limit) : memberNames.all(viewer.userId, limit);
      return rows as TeamName[];
    },
  };
}
