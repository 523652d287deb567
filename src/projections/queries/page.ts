import { TowerError } from '../../errors/index.ts';

/** The most items one page may hold. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

/** What a caller asks of a list: how many, from where, and a name to search for. */
export interface PageRequest {
  /** 1 to 100; 50 when left out. */
  limit?: number | undefined;
  /** The `nextCursor` of the page before; the first page when left out. */
  cursor?: string | undefined;
  /** Part of a name (or email) to look for, case-insensitively for ASCII letters. */
  search?: string | undefined;
}

/** One page of a list, and the cursor of the next page (null on the last one). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The position after which a keyset page starts: the sort key and id of the last item seen. */
export interface Keyset {
  afterKey: string;
  afterId: string;
}

const FIRST: Keyset = { afterKey: '', afterId: '' };

export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

function invalidCursor(): TowerError {
  return new TowerError('invalid_input', 'cursor is not a cursor this list gave out', {
    field: 'cursor',
    context: { rule: 'is not a cursor this list gave out' },
  });
}

/** The parts of a cursor; a cursor that was not made by `encodeCursor` is invalid input. */
export function decodeCursor(cursor: string): unknown[] {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parts)) throw invalidCursor();
  return parts;
}

export function keysetOf(request: PageRequest): Keyset {
  if (!request.cursor) return FIRST;
  const [afterKey, afterId] = decodeCursor(request.cursor);
  if (typeof afterKey !== 'string' || typeof afterId !== 'string') throw invalidCursor();
  return { afterKey, afterId };
}

export function pageSize(request: PageRequest): number {
  return Math.min(Math.max(request.limit ?? DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
}

/** A LIKE pattern that finds `search` anywhere, with LIKE's own wildcards escaped. */
export function likePattern(search: string | undefined): string | null {
  const trimmed = search?.trim();
  if (!trimmed) return null;
  return `%${trimmed.replace(/[\\%_]/gu, (c) => `\\${c}`)}%`;
}

/**
 * The named parameters every keyset list statement takes: `@afterKey`, `@afterId`, `@search`
 * and `@limit` (one more than the page size, to tell whether another page follows).
 */
export function pageParams(
  request: PageRequest,
): Keyset & { search: string | null; limit: number } {
  return {
    ...keysetOf(request),
    search: likePattern(request.search),
    limit: pageSize(request) + 1,
  };
}

/**
 * Cuts the rows of a statement run with `pageParams` into a page: the extra row, if any, only
 * says that a next page exists, whose cursor is the key and id of the last item kept.
 */
export function toPage<Row, T>(
  rows: Row[],
  request: PageRequest,
  keyOf: (row: Row) => [string, string],
  toItem: (row: Row) => T,
): Page<T> {
  const size = pageSize(request);
  const kept = rows.slice(0, size);
  const last = kept.at(-1);
  const nextCursor = rows.length > size && last ? encodeCursor(keyOf(last)) : null;
  return { items: kept.map(toItem), nextCursor };
}

/**
 * A page whose items are JSON texts already, as the API sends it: the same text as
 * `JSON.stringify` of the page of parsed items, without parsing them first.
 */
export function pageJson(page: Page<string>): string {
  return `{"items":[${page.items.join(',')}],"nextCursor":${JSON.stringify(page.nextCursor)}}`;
}
