import type { Database } from 'better-sqlite3';

/** The kinds of entity an event can point at by id. */
export type NameKind = 'user' | 'team' | 'installation' | 'account' | 'natsUser' | 'profile';

/** Reads what entities of one kind are called now, by id; ids with no entity are left out. */
export type NameLookup = (ids: readonly string[]) => Map<string, string>;

export type NameQueries = Record<NameKind, NameLookup>;

/** Where each kind keeps its name. */
const NAME_COLUMNS: Record<NameKind, [table: string, column: string]> = {
  user: ['tower_users', 'display_name'],
  team: ['teams', 'name'],
  installation: ['installations', 'name'],
  account: ['accounts', 'name'],
  natsUser: ['nats_users', 'name'],
  profile: ['limit_profiles', 'name'],
};

/**
 * The current names of entities by id and nothing else, one statement for any number of ids:
 * sentences that name what events point at need only that, and a page of events names dozens
 * of entities. No visibility rule applies here: callers name only what the viewer already sees.
 */
export function nameQueries(db: Database): NameQueries {
  const lookup = ([table, column]: [string, string]): NameLookup => {
    const statement = db
      .prepare(`SELECT id, ${column} FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`)
      .raw();
    return (ids) =>
      ids.length === 0
        ? new Map()
        : new Map(statement.all(JSON.stringify(ids)) as [string, string][]);
  };
  const kinds = Object.keys(NAME_COLUMNS) as NameKind[];
  return Object.fromEntries(kinds.map((kind) => [kind, lookup(NAME_COLUMNS[kind])])) as NameQueries;
}
