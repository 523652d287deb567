import type { Database } from 'better-sqlite3';
import type { AccountLimits } from '../../domain/limits.ts';
import { notFound } from './not-found.ts';
import { pageParams, toPage, type Page, type PageRequest } from './page.ts';
import type { QueryViewer } from './viewer.ts';
import { limitSql } from '../../store/database.ts';

/** A limit profile: named account limits that accounts follow. Every user may read them. */
export interface LimitProfileView {
  id: string;
  name: string;
  description: string;
  limits: AccountLimits;
  isDefault: boolean;
  createdAt: string;
  version: number;
}

interface Row {
  id: string;
  name: string;
  description: string;
  limits: string;
  is_default: number;
  created_at: string;
  version: number;
}

const SELECT = `SELECT p.id, p.name, p.description, p.limits, p.is_default, p.created_at,
    p.version
  FROM limit_profiles p`;

function toView(row: Row): LimitProfileView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    limits: JSON.parse(row.limits) as AccountLimits,
    isDefault: row.is_default === 1,
    createdAt: row.created_at,
    version: row.version,
  };
}

export type LimitProfileQueries = ReturnType<typeof limitProfileQueries>;

export function limitProfileQueries(db: Database) {
  const one = db.prepare(`${SELECT} WHERE p.id = ?`);
  const page = db.prepare(
    `${SELECT}
     WHERE (p.name, p.id) > (@afterKey, @afterId)
       AND (@search IS NULL OR p.name LIKE @search ESCAPE '\\')
     ORDER BY p.name, p.id ${limitSql('@limit')}`,
  );

  return {
    get(_viewer: QueryViewer, id: string): LimitProfileView {
      const row = one.get(id) as Row | undefined;
      if (!row) throw notFound('limit profile', id);
      return toView(row);
    },

    list(_viewer: QueryViewer, request: PageRequest = {}): Page<LimitProfileView> {
      const rows = page.all(pageParams(request)) as Row[];
      return toPage(rows, request, (row) => [row.name, row.id], toView);
    },
  };
}
