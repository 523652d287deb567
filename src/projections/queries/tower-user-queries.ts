import type { Database } from 'better-sqlite3';
import type { TowerRole } from '../../events/index.ts';
import { idList, notFound } from './not-found.ts';
import { pageParams, toPage, type Page, type PageRequest } from './page.ts';
import { viewerParams, type QueryViewer } from './viewer.ts';
import { limitSql } from '../../store/database.ts';

/** A Tower user as the API and the pages show it; the password hash stays in the keystore. */
export interface TowerUserView {
  id: string;
  email: string;
  name: string;
  role: TowerRole;
  disabled: boolean;
  /** The teams the user belongs to. */
  teams: string[];
  passwordChangedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

interface Row {
  id: string;
  email: string;
  display_name: string;
  role: TowerRole;
  disabled: number;
  teams: string;
  password_changed_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

const SELECT = `SELECT u.id, u.email, u.display_name, u.role, u.disabled, u.password_changed_at,
    u.created_at, u.updated_at, u.version,
    (SELECT json_group_array(m.team_id) FROM team_members m WHERE m.user_id = u.id) AS teams
  FROM tower_users u`;

/** Admins see every user; a user sees themself. */
const VISIBLE = '(@admin = 1 OR u.id = @viewerId)';

function toView(row: Row): TowerUserView {
  return {
    id: row.id,
    email: row.email,
    name: row.display_name,
    role: row.role,
    disabled: row.disabled === 1,
    teams: idList(row.teams),
    passwordChangedAt: row.password_changed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

export type TowerUserQueries = ReturnType<typeof towerUserQueries>;

/** Tower users by email; the search looks at the email and the name. */
export function towerUserQueries(db: Database) {
  const one = db.prepare(`${SELECT} WHERE u.id = @id AND ${VISIBLE}`);
  const page = db.prepare(
    `${SELECT}
     WHERE (u.email, u.id) > (@afterKey, @afterId)
       AND (@search IS NULL OR u.email LIKE @search ESCAPE '\\'
         OR u.display_name LIKE @search ESCAPE '\\')
       AND ${VISIBLE}
     ORDER BY u.email, u.id ${limitSql('@limit')}`,
  );

  return {
    get(viewer: QueryViewer, id: string): TowerUserView {
      const row = one.get({ id, ...viewerParams(viewer) }) as Row | undefined;
      if (!row) throw notFound('Tower user', id);
      return toView(row);
    },

    list(viewer: QueryViewer, request: PageRequest = {}): Page<TowerUserView> {
      const rows = page.all({ ...pageParams(request), ...viewerParams(viewer) }) as Row[];
      return toPage(rows, request, (row) => [row.email, row.id], toView);
    },
  };
}
