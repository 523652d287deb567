import { describe, expect, it } from 'vitest';
import { openTower } from '../../src/app/open-tower.ts';
import { verifyPassword } from '../../src/app/passwords.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';

/** The `role email password` rows of the credentials banner. */
function bannerRows(stderr: string) {
  return [...stderr.matchAll(/^ {4}(admin|user)\s+(\S+@\S+)\s+(\S+)$/gmu)].map((match) => ({
    role: match[1]!,
    email: match[2]!,
    password: match[3]!,
  }));
}

describe('tower init', () => {
  it('creates the default admin and user and shows their generated passwords once', async () => {
    const dataDir = tempDir();

    const first = await runCli(dataDir, ['init']);
    const second = await runCli(dataDir, ['init']);

    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Tower data folder ready at ${dataDir} (2 events)`);
    const rows = bannerRows(first.stderr);
    expect(rows.map((row) => [row.role, row.email])).toEqual([
      ['admin', 'admin@tower.local'],
      ['user', 'user@tower.local'],
    ]);
    expect(second.code).toBe(0);
    expect(bannerRows(second.stderr)).toEqual([]);
    expect(second.stdout).toContain('(2 events)');

    const tower = openTower({ dataDir });
    try {
      for (const row of rows) {
        const user = tower.reader.towerUserByEmail(row.email)!;
        expect(user.role).toBe(row.role);
        const hash = tower.keystore.get(`password:${user.id}`)!;
        expect(await verifyPassword(row.password, hash)).toBe(true);
      }
    } finally {
      tower.close();
    }
  });

  it('keeps the generated passwords out of the structured log lines', async () => {
    const result = await runCli(tempDir(), ['init']);

    const logLines = result.stderr.split('\n').filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    for (const { password } of bannerRows(result.stderr)) {
      for (const line of logLines) expect(line).not.toContain(password);
    }
  });

  it('generates no password for a default user whose password is configured', async () => {
    const result = await runCli(tempDir(), ['init'], {
      env: { TOWER_ADMIN_PASSWORD: 'configured-admin-password' },
    });

    expect(bannerRows(result.stderr).map((row) => row.role)).toEqual(['user']);
    expect(result.stderr).not.toContain('configured-admin-password');
  });

  it('reports an invalid setting by its variable name', async () => {
    const result = await runCli(tempDir(), ['init'], { env: { TOWER_SYNCHRONOUS: 'SOMETIMES' } });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error \[config_invalid\] TOWER_SYNCHRONOUS: .*\(field: TOWER_SYNCHRONOUS\)$/mu,
    );
  });
});
