import { beforeAll, describe, expect, it } from 'vitest';
import { openTower } from '../../src/app/open-tower.ts';
import { verifyPassword } from '../../src/app/passwords.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';

describe('tower user add', () => {
  const dataDir = tempDir();
  beforeAll(async () => {
    expect((await runCli(dataDir, ['init'])).code).toBe(0);
  });

  it('creates a Tower user whose password is read from standard input', async () => {
    const args = ['user', 'add', '--email', 'Ada@Example.test', '--role', 'admin'];

    const result = await runCli(dataDir, [...args, '--name', 'Ada L', '--password-stdin'], {
      input: 'a long enough password\n',
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Created Tower user \S+ \(Ada@Example\.test, admin\)/u);
    const tower = openTower({ dataDir });
    try {
      const user = tower.reader.towerUserByEmail('ada@example.test')!;
      expect(user).toMatchObject({ displayName: 'Ada L', role: 'admin', disabled: false });
      const hash = tower.keystore.get(`password:${user.id}`)!;
      expect(await verifyPassword('a long enough password', hash)).toBe(true);
    } finally {
      tower.close();
    }
  });

  it('names the field of a rule the input breaks, with no stack trace', async () => {
    const result = await runCli(
      dataDir,
      ['user', 'add', '--email', 'bob@example.test', '--role', 'user', '--password-stdin'],
      { input: 'short' },
    );

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^error \[invalid_input\] .*\(field: password\)$/u);
    expect(result.stderr).not.toContain('short');
  });

  it('refuses an email that another Tower user has', async () => {
    const result = await runCli(
      dataDir,
      ['user', 'add', '--email', 'admin@tower.local', '--role', 'user', '--password-stdin'],
      { input: 'another long password' },
    );

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'error [email_taken] A Tower user with email admin@tower.local already exists. ' +
        '(field: email)',
    );
  });

  it('accepts only the roles admin and user', async () => {
    const result = await runCli(
      dataDir,
      ['user', 'add', '--email', 'eve@example.test', '--role', 'root', '--password-stdin'],
      { input: 'another long password' },
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Allowed choices are admin, user');
  });

  it('refuses a data folder that was never initialised', async () => {
    const result = await runCli(
      tempDir(),
      ['user', 'add', '--email', 'eve@example.test', '--role', 'user', '--password-stdin'],
      { input: 'another long password' },
    );

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error \[config_invalid\] There is no Tower data folder/u);
  });
});
