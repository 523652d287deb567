import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/run-cli.ts';
import { openTower } from '../../src/app/open-tower.ts';
import { secretEntry } from '../../src/domain/secret-entries.ts';
import { parseApiToken, secretMatches } from '../../src/web/api-token-format.ts';

describe('tower token create', () => {
  it('prints a new token for the user on the last line, and keeps only its digest', async () => {
    const dataDir = tempDir();
    const env = {
      TOWER_ADMIN_PASSWORD: 'admin password 123',
      TOWER_USER_PASSWORD: 'user password 123',
    };
    expect((await runCli(dataDir, ['init'], { env })).code).toBe(0);

    const result = await runCli(dataDir, [
      'token',
      'create',
      '--email',
      'user@tower.local',
      '--name',
      'ci',
      '--expires',
      '2099-01-01T00:00:00Z',
    ]);

    expect(result.code, result.stderr).toBe(0);
    const token = result.stdout.trim().split('\n').at(-1)!;
    const parsed = parseApiToken(token);
    expect(parsed).not.toBeNull();
    const tower = openTower({ dataDir });
    try {
      const stored = tower.keystore.get(secretEntry.token(parsed!.tokenId));
      expect(stored).not.toContain(parsed!.secret);
      expect(secretMatches(parsed!.secret, stored)).toBe(true);
      expect(tower.reader.apiToken(parsed!.tokenId)).toMatchObject({
        name: 'ci',
        expiresAt: '2099-01-01T00:00:00Z',
      });
    } finally {
      tower.close();
    }
  });

  it('refuses an unknown email', async () => {
    const dataDir = tempDir();
    await runCli(dataDir, ['init']);

    const result = await runCli(dataDir, [
      'token',
      'create',
      '--email',
      'nobody@x.test',
      '--name',
      'ci',
    ]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('error [not_found]');
  });
});
