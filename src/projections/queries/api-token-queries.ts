import type { Database } from 'better-sqlite3';
import { notFound } from './not-found.ts';
import { pageParams, toPage, type Page, type PageRequest } from './page.ts';
import { viewerParams, type QueryViewer } from './viewer.ts';
import { limitSql } from '../../store/database.ts';

/** An API token without its secret, which was shown once when it was made. */
export interface ApiTokenView {
  id: string;
  userId: string;
  name: string;
  expiresAt: string | null;
  revoked: boolean;
  revokedAt: string | null;
  createdAt: string;
  version: number;
}

interface Row {
  id: string;
  user_id: string;
  name: string;
  expires_at: string | null;
  revoked: number;
  revoked_at: string | null;
  created_at: string;
  version: number;
}

/** A token is seen by its owner and by admins. */
const VISIBLE = '(@admin = 1 OR k.user_id = @viewerId)';

function toView(row: Row): ApiTokenView {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    expiresAt: row.expires_at,
    revoked: row.revoked === 1,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    version: row.version,
  };
}

export type ApiTokenQueries = ReturnType<typeof apiTokenQueries>;

export function apiTokenQueries(db: Database) {
  const one = db.prepare(`SELECT * FROM api_tokens k WHERE k.id = @id AND ${VISIBLE}`);
  const page = db.prepare(
    `SELECT * FROM api_tokens k
     WHERE k.user_id = @ownerId
       AND (k.name, k.id) > (@afterKey, @afterId)
       AND (@search IS NULL OR k.name LIKE @search ESCAPE '\\')
       AND ${VISIBLE}
     ORDER BY k.name, k.id ${limitSql('@limit')}`,
  );

  return {
    get(viewer: QueryViewer, id: string): ApiTokenView {
      const row = one.get({ id, ...viewerParams(viewer) }) as Row | undefined;
      if (!row) throw notFound('API token', id);
      return toView(row);
    },

    /** The tokens of `ownerId` (the viewer's own when left out; an admin may name anyone). */
    list(
      viewer: QueryViewer,
      request: PageRequest & { ownerId?: string } = {},
    ): Page<ApiTokenView> {
      const ownerId = request.ownerId ?? viewer.userId;
      const params = { ownerId, ...pageParams(request), ...viewerParams(viewer) };
      const rows = page.all(params) as Row[];
      return toPage(rows, request, (row) => [row.name, row.id], toView);
    },
  };
}
