import type { Database, Statement } from 'better-sqlite3';

/**
 * An UPDATE of just the columns an event names. SQLite maintains an index whenever its column
 * appears in SET, even when the value stays the same, so `name = coalesce(?, name)` would
 * rewrite the name index on every change; this writes only what changed. One prepared
 * statement per combination of columns, made on first use.
 *
 * @example update('user-1', { description: 'new', updated_at: at, version: 3 })
 */
export function partialUpdate(db: Database, table: string, key = 'id') {
  const statements = new Map<string, Statement>();
  return (id: string, values: Record<string, unknown>): void => {
    const params: Record<string, unknown> = { __key: id };
    let signature = '';
    for (const column in values) {
      const value = values[column];
      if (value === undefined) continue;
      params[column] = value;
      signature += `${column},`;
    }
    let statement = statements.get(signature);
    if (!statement) {
      const assignments = signature
        .slice(0, -1)
        .split(',')
        .map((column) => `${column} = @${column}`)
        .join(', ');
      statement = db.prepare(`UPDATE ${table} SET ${assignments} WHERE ${key} = @__key`);
      statements.set(signature, statement);
    }
    statement.run(params);
  };
}
