import { TowerError } from '../../errors/index.ts';

/** The one answer for "missing" and "not yours to see": the two are never told apart. */
export function notFound(kind: string, id: string): TowerError {
  return new TowerError('not_found', `No ${kind} with id "${id}".`, { context: { id } });
}

/** Team ids from a `json_group_array` column, sorted so that equal sets read the same. */
export function idList(json: unknown): string[] {
  return (JSON.parse(String(json ?? '[]')) as (string | null)[])
    .filter((id): id is string => id !== null)
    .sort();
}
