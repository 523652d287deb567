import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from 'better-sqlite3';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Applies the numbered migrations the database has not seen, tracked in `user_version`. */
export function migrate(db: Database): void {
  const files = readdirSync(migrationsDir)
    .filter((name) => /^\d{3}-.+\.sql$/u.test(name))
    .sort();
  const current = db.pragma('user_version', { simple: true }) as number;

  for (const file of files) {
    const version = Number(file.slice(0, 3));
    if (version <= current) continue;
    const sql = readFileSync(migrationsDir + file, 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    }).immediate();
  }
}
