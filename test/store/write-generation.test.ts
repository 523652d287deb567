import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WriteGeneration } from '../../src/store/write-generation.ts';

describe('the write generation', () => {
  let dir: string;
  let mine: BetterSqlite3.Database;
  let theirs: BetterSqlite3.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tower-generation-'));
    mine = new BetterSqlite3(join(dir, 'db'));
    mine.pragma('journal_mode = WAL');
    mine.exec('CREATE TABLE t (n INTEGER)');
    theirs = new BetterSqlite3(join(dir, 'db'));
  });
  /** The generation of everything, as a reader that shows every table sees it. */
  const writeGeneration = (db: BetterSqlite3.Database) => {
    const generation = new WriteGeneration(db);
    return () => generation.token(generation.read(), []);
  };

  afterEach(() => {
    mine.close();
    theirs.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stays the same while the database is only read', () => {
    const generation = writeGeneration(mine);
    const before = generation();

    mine.prepare('SELECT count(*) FROM t').get();
    theirs.prepare('SELECT count(*) FROM t').get();

    expect(generation()).toBe(before);
  });

  it('moves when this connection writes a row', () => {
    const generation = writeGeneration(mine);
    const before = generation();

    mine.prepare('INSERT INTO t VALUES (1)').run();

    expect(generation()).not.toBe(before);
  });

  it('moves when another connection commits, and not before the commit', () => {
    const generation = writeGeneration(mine);
    const before = generation();

    theirs.exec('BEGIN');
    theirs.prepare('INSERT INTO t VALUES (1)').run();
    expect(generation()).toBe(before);
    theirs.exec('COMMIT');

    expect(generation()).not.toBe(before);
  });

  it('leaves out the side tables a reader ignores, and only those', () => {
    mine.exec('CREATE TABLE sessions (n INTEGER)');
    const generation = new WriteGeneration(mine);
    const before = generation.read();

    generation.wrote('sessions', mine.prepare('INSERT INTO sessions VALUES (1), (2)').run());
    const afterSide = generation.read();
    mine.prepare('INSERT INTO t VALUES (1)').run();
    const afterMain = generation.read();

    expect(generation.token(afterSide, ['sessions'])).toBe(generation.token(before, ['sessions']));
    expect(generation.token(afterSide, ['status'])).not.toBe(generation.token(before, ['status']));
    expect(generation.token(afterMain, ['sessions'])).not.toBe(
      generation.token(afterSide, ['sessions']),
    );
  });
});
