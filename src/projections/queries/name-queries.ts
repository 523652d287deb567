import type { Database } from 'better-sqlite3';

/** Reads what entities of one kind are called now, by id; ids with no entity are left out. */
export type NameLookup = (ids: readonly string[]) => Map<string, string>;

export type NameQueries = ReturnType<typeof nameQueries>;

/**
 * The current names of entities by id and nothing else, one statement for any number of ids:
 * sentences that name what events point at need only that, and a page of events names dozens
 * of entities. No visibility rule applies here: callers name only what the viewer already sees.
 */
export function nameQueries(db: Database) {
  const lookup = (table: string, column: string): NameLookup => {
    const statement = db
      .prepare(`SELECT id, ${column} FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`)
      .raw();
    return (ids) =>
      ids.length === 0
        ? new Map()
        : new Map(statement.all(JSON.stringify(ids)) as [string, string][]);
  };
  return {
    towerUsers: lookup('tower_users', 'display_name'),
    teams: lookup('teams', 'name'),
    installations: lookup('installations', 'name'),
    accounts: lookup('accounts', 'name'),
    natsUsers: lookup('nats_users', 'name'),
    limitProfiles: lookup('limit_profiles', 'name'),
  };
}
