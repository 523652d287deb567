import BetterSqlite3, { type Database } from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/app/open-tower.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';
import { writeSampleLog } from './sample-log.ts';

type Row = Record<string, unknown> & { seq: number };

/** Opens the database as an attacker would: directly, with the append-only triggers gone. */
function tamper(dataDir: string, change: (db: Database) => void, dropTriggers = true): void {
  const db = new BetterSqlite3(join(dataDir, DATABASE_FILE));
  try {
    if (dropTriggers) {
      db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
    }
    change(db);
    if (dropTriggers) restoreTriggers(db);
  } finally {
    db.close();
  }
}

/** An attacker who covers their tracks puts the triggers back. */
function restoreTriggers(db: Database): void {
  db.exec(`
    CREATE TRIGGER events_no_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only: UPDATE is not allowed'); END;
    CREATE TRIGGER events_no_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'events are append-only: DELETE is not allowed'); END;`);
}

const verify = (dataDir: string) => runCli(dataDir, ['verify']);

describe('tower verify', () => {
  let tower: TempTower;
  let headSeq: number;

  beforeEach(async () => {
    tower = await tempTower();
    await writeSampleLog(tower);
    headSeq = tower.log.head().seq;
    tower.close();
  });
  afterEach(() => tower.destroy());

  it('passes an untouched data folder', async () => {
    const result = await verify(tower.dataDir);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${headSeq} events, head ${headSeq}`);
    expect(result.stdout).not.toContain('FAIL');
    expect(result.stdout).toContain('The data folder verifies.');
  });

  it('fails at the first edited event', async () => {
    tamper(tower.dataDir, (db) =>
      db
        .prepare("UPDATE events SET data = replace(data, 'Payments', 'Payroll') WHERE seq = 3")
        .run(),
    );

    const result = await verify(tower.dataDir);

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'error [log_corrupt] The event log fails verification at seq 3: ' +
        'the stored hash does not match the event content.',
    );
  });

  it('fails at an event whose scope tag was moved to hide it from a team', async () => {
    let seq = 0;
    tamper(tower.dataDir, (db) => {
      seq = db
        .prepare(`SELECT min(seq) FROM events WHERE type = 'NatsUserCreated'`)
        .pluck()
        .get() as number;
      db.prepare(`UPDATE events SET account_id = 'elsewhere' WHERE seq = ?`).run(seq);
    });

    const result = await verify(tower.dataDir);

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `error [log_corrupt] The event log fails verification at seq ${seq}: ` +
        'the scope tags (installation_id, account_id) do not match the data.',
    );
  });

  it('fails at a deleted event', async () => {
    tamper(tower.dataDir, (db) => db.prepare('DELETE FROM events WHERE seq = 6').run());

    const result = await verify(tower.dataDir);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[log_corrupt\] .* at seq 6: sequence 6 is missing/u);
  });

  it('fails at the first of two events whose contents were swapped', async () => {
    tamper(tower.dataDir, (db) => {
      const rows = db
        .prepare('SELECT * FROM events WHERE seq IN (7, 8) ORDER BY seq')
        .all() as Row[];
      db.prepare('DELETE FROM events WHERE seq IN (7, 8)').run();
      const insert = db.prepare(
        `INSERT INTO events VALUES (@seq, @event_id, @stream_type, @stream_id, @version, @type,
           @schema_version, @data, @metadata, @prev_hash, @hash, @installation_id, @account_id)`,
      );
      insert.run({ ...rows[1], seq: 7 });
      insert.run({ ...rows[0], seq: 8 });
    });

    const result = await verify(tower.dataDir);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[log_corrupt\] .* at seq 7: /u);
  });

  it('fails when the newest events were cut off, naming the first missing one', async () => {
    tamper(tower.dataDir, (db) => db.prepare('DELETE FROM events WHERE seq >= ?').run(headSeq - 1));

    const result = await verify(tower.dataDir);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL\s+commands ledger\s+records events up to seq/mu);
    expect(result.stderr).toMatch(
      new RegExp(`^error \\[log_corrupt\\] .* at seq ${headSeq - 1}: the log was cut off`, 'u'),
    );
  });

  it('fails when the append-only triggers are missing', async () => {
    tamper(tower.dataDir, (db) => db.exec('DROP TRIGGER events_no_delete'), false);

    const result = await verify(tower.dataDir);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL\s+append-only triggers\s+missing/mu);
    expect(result.stderr.trim()).toBe(
      'error [log_corrupt] The append-only triggers on the events table are missing.',
    );
  });

  it('names a keystore entry that was altered', async () => {
    const entry = `password:${tower.user.userId}`;
    tamper(
      tower.dataDir,
      (db) => db.prepare('UPDATE secrets SET tag = zeroblob(16) WHERE id = ?').run(entry),
      false,
    );

    const result = await verify(tower.dataDir);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ok\s+hash chain/mu);
    expect(result.stderr.trim()).toBe(
      `error [keystore_tampered] 1 keystore entries failed their integrity check: ${entry}.`,
    );
  });

  it('reports a wrong master key without hiding the log result', async () => {
    const wrongKey = 'ab'.repeat(32);

    const result = await runCli(tower.dataDir, ['verify'], { env: { TOWER_SECRET_KEY: wrongKey } });

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^ok\s+hash chain/mu);
    expect(result.stderr).toMatch(/^error \[keystore_key_wrong\]/u);
    expect(result.stdout + result.stderr).not.toContain(wrongKey);
  });
});
