import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstStart } from '../../src/app/first-start.ts';
import { openTower, type OpenTowerOptions, type Tower } from '../../src/app/open-tower.ts';
import type { Actor } from '../../src/commands/index.ts';

export interface TempTower extends Tower {
  admin: Actor;
  user: Actor;
  /** Closes the database and removes the folder. */
  destroy(): void;
}

export const TEST_PASSWORD = 'test-password-123';

/** A Tower in a fresh temporary folder, with the default admin and user created. */
export async function tempTower(options: Partial<OpenTowerOptions> = {}): Promise<TempTower> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tower-test-'));
  const tower = openTower({ synchronous: 'OFF', ...options, dataDir });
  await firstStart(tower, {
    adminEmail: 'admin@example.test',
    adminPassword: TEST_PASSWORD,
    userEmail: 'user@example.test',
    userPassword: TEST_PASSWORD,
  });
  const admin = tower.reader.towerUserByEmail('admin@example.test')!;
  const user = tower.reader.towerUserByEmail('user@example.test')!;
  return {
    ...tower,
    admin: { userId: admin.id, role: 'admin' },
    user: { userId: user.id, role: 'user' },
    destroy: () => {
      tower.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
