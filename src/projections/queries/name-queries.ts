import type { Database } from 'better-sqlite3';

/** Reads what one kind of entity is called now; undefined when there is no such entity. */
export type NameLookup = (id: string) => string | undefined;

export type NameQueries = ReturnType<typeof nameQueries>;

/**
 * The current name of an entity by id and nothing else: sentences that name what an event
 * points at need only that, and reading whole entities for it cost the audit page a fifth of
 * its time. No visibility rule applies here: callers name only what the viewer already sees.
 */
export function nameQueries(db: Database) {
  const lookup = (sql: string): NameLookup => {
    const statement = db.prepare(sql).pluck();
    return (id) => statement.get(id) as string | undefined;
  };
  return {
    towerUser: lookup('SELECT display_name FROM tower_users WHERE id = ?'),
    team: lookup('SELECT name FROM teams WHERE id = ?'),
    installation: lookup('SELECT name FROM installations WHERE id = ?'),
    account: lookup('SELECT name FROM accounts WHERE id = ?'),
    natsUser: lookup('SELECT name FROM nats_users WHERE id = ?'),
    limitProfile: lookup('SELECT name FROM limit_profiles WHERE id = ?'),
  };
}
