import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../src/app/open-tower.ts';
import { openDatabase } from '../../src/store/database.ts';
import { verifyLog } from '../../src/store/verify-log.ts';
import { writeSampleLog } from '../cli/sample-log.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

type ScopeRow = { seq: number; installation_id: string | null; account_id: string | null };

const SCOPES = 'SELECT seq, installation_id, account_id FROM events ORDER BY seq';

describe('scope tags of the event log', () => {
  let tower: TempTower;
  let sample: Awaited<ReturnType<typeof writeSampleLog>>;

  beforeEach(async () => {
    tower = await tempTower();
    sample = await writeSampleLog(tower);
  });
  afterEach(() => tower.destroy());

  it('tags installation, account and NATS user events with their installation and account', () => {
    const installationId = tower.reader.installationByName('prod')!.id;
    const tagged = tower.db
      .prepare('SELECT type, installation_id, account_id FROM events ORDER BY seq')
      .all() as { type: string; installation_id: string | null; account_id: string | null }[];

    const byType = (type: string) => tagged.filter((row) => row.type === type);
    expect(byType('InstallationCreated')).toEqual([
      { type: 'InstallationCreated', installation_id: installationId, account_id: null },
    ]);
    for (const type of ['AccountCreated', 'NatsUserCreated', 'NatsUserDeleted']) {
      expect(byType(type).length).toBeGreaterThan(0);
      for (const row of byType(type)) {
        expect(row).toEqual({
          type,
          installation_id: installationId,
          account_id: sample.accountId,
        });
      }
    }
    for (const row of [...byType('TeamCreated'), ...byType('LimitProfileUpdated')]) {
      expect(row).toMatchObject({ installation_id: null, account_id: null });
    }
  });

  it('migration 002 tags a log written before the tags existed exactly as appends do', () => {
    const live = tower.db.prepare(SCOPES).all() as ScopeRow[];
    tower.close();

    // Take the folder back to schema version 1: no tag columns, no tag indexes.
    const file = join(tower.dataDir, DATABASE_FILE);
    const old = new BetterSqlite3(file);
    old.exec(`DROP INDEX events_by_installation; DROP INDEX events_by_account;
      ALTER TABLE events DROP COLUMN installation_id; ALTER TABLE events DROP COLUMN account_id;
      PRAGMA user_version = 1;`);
    old.close();

    const migrated = openDatabase(file, { synchronous: 'OFF' });
    try {
      expect(migrated.prepare(SCOPES).all()).toEqual(live);
      expect(verifyLog(migrated)).toMatchObject({ ok: true, triggersPresent: true });
      expect(() => migrated.prepare('UPDATE events SET account_id = NULL').run()).toThrow(
        /append-only/u,
      );
    } finally {
      migrated.close();
    }
  });
});
