import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openTower } from '../../src/app/open-tower.ts';
import { tempTower } from '../helpers/temp-tower.ts';

describe('projection catch-up', () => {
  it('fills a projection the data folder has not seen, and only that one', async () => {
    const tower = await tempTower();
    const installation = await tower.bus.execute(
      'CreateInstallation',
      { name: 'prod', urls: ['nats://127.0.0.1:4222'] },
      tower.admin,
    );
    await tower.bus.execute('CreateTeam', { name: 'Ops' }, tower.admin);
    await tower.bus.execute(
      'CreateAccount',
      { installationId: installation.id, name: 'a' },
      tower.admin,
    );
    const snapshot = (table: string) =>
      tower.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
    const teamsBefore = snapshot('teams');
    const accountsBefore = snapshot('accounts');

    // As if the accounts projection were new to this folder: no rows, no checkpoint.
    tower.db.exec(`DELETE FROM accounts; DELETE FROM account_teams;
      DELETE FROM projection_checkpoints WHERE name = 'accounts'`);
    tower.close();

    const reopened = openTower({ dataDir: tower.dataDir, synchronous: 'OFF' });
    try {
      const again = (table: string) =>
        reopened.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
      expect(again('accounts')).toEqual(accountsBefore);
      expect(again('teams')).toEqual(teamsBefore);
      const checkpoints = reopened.db
        .prepare('SELECT DISTINCT seq FROM projection_checkpoints')
        .pluck()
        .all();
      expect(checkpoints).toEqual([reopened.log.head().seq]);
    } finally {
      reopened.close();
      rmSync(tower.dataDir, { recursive: true, force: true });
    }
  });
});
