import fc from 'fast-check';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replay } from '../../src/app/replay.ts';
import { runSteps, stepArbitrary } from '../helpers/random-commands.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

/** Every read-model table's rows, in a stable order. */
function snapshot(db: Database, tower: TempTower): Record<string, unknown[]> {
  const tables = tower.runner.projections.flatMap((projection) => projection.tables);
  return Object.fromEntries(
    [...tables, 'projection_checkpoints'].map((table) => [
      table,
      db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all(),
    ]),
  );
}

describe('replay equals live', () => {
  it('rebuilds read models equal to the live ones after any random command sequence', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArbitrary, { minLength: 50, maxLength: 300 }),
        async (steps) => {
          const tower = await tempTower();
          try {
            await runSteps(tower, steps, tower.admin, tower.user);
            const live = snapshot(tower.db, tower);

            const into = join(tower.dataDir, 'rebuilt.db');
            replay(tower.db, { into, projections: tower.projections });
            const rebuilt = new BetterSqlite3(into, { readonly: true });
            try {
              expect(snapshot(rebuilt, tower)).toEqual(live);
            } finally {
              rebuilt.close();
            }

            replay(tower.db, { projections: tower.projections });
            expect(snapshot(tower.db, tower)).toEqual(live);
          } finally {
            tower.destroy();
          }
        },
      ),
      { numRuns: 10 },
    );
  });

  it('gives the state as of a sequence number with --to', async () => {
    const tower = await tempTower();
    try {
      const team = await tower.bus.execute('CreateTeam', { name: 'Before' }, tower.admin);
      const renamed = await tower.bus.execute(
        'RenameTeam',
        { teamId: team.id, name: 'After' },
        tower.admin,
      );
      const into = join(tower.dataDir, 'as-of.db');
      replay(tower.db, { to: renamed.firstSeq! - 1, into });

      const past = new BetterSqlite3(into, { readonly: true });
      try {
        expect(past.prepare('SELECT name FROM teams WHERE id = ?').pluck().get(team.id)).toBe(
          'Before',
        );
      } finally {
        past.close();
      }
      expect(tower.reader.team(team.id!)!.name).toBe('After');
    } finally {
      tower.destroy();
    }
  });
});
