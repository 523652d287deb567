import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { limitSql } from '../../src/store/database.ts';

/** Every TypeScript and SQL source under src/, by path relative to the repository. */
function sources(dir = 'src'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.(ts|sql)$/u.test(entry.name) ? [path] : [];
  });
}

describe('LIMIT from a bound parameter', () => {
  it('limits as a bare parameter would, named or positional', () => {
    const db = new BetterSqlite3(':memory:');
    db.exec('CREATE TABLE t (n INTEGER PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO t (n) VALUES (?)');
    for (let n = 1; n <= 10; n++) insert.run(n);
    const named = db.prepare(`SELECT n FROM t ORDER BY n ${limitSql('@limit')}`).pluck();
    const positional = db.prepare(`SELECT n FROM t WHERE n > ? ORDER BY n ${limitSql('?')}`);
    expect(named.all({ limit: 3 })).toEqual([1, 2, 3]);
    expect(named.all({ limit: 11 })).toHaveLength(10);
    expect(positional.pluck().all(8, 5)).toEqual([9, 10]);
    db.close();
  });

  it('is the only way the sources bind a LIMIT, so that no list re-plans on every call', () => {
    const bare = /\bLIMIT\s+(\?|[@:$][A-Za-z_]\w*\b)(?!\s*\+)/gu;
    const found = sources().flatMap((path) =>
      [...readFileSync(path, 'utf8').matchAll(bare)].map((match) => `${path}: ${match[0]}`),
    );
    expect(found).toEqual([]);
  });
});
