import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/run-cli.ts';

const subcommands = ['init', 'verify', 'events', 'replay', 'user', 'user add', 'backup', 'restore'];

describe('tower --help', () => {
  it('lists every subcommand', async () => {
    const result = await runCli(tempDir(), ['--help']);

    expect(result.code).toBe(0);
    for (const name of ['init', 'verify', 'events', 'replay', 'user', 'backup', 'restore']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'mu'));
    }
  });

  it.each(subcommands)('explains `tower %s`', async (command) => {
    const result = await runCli(tempDir(), [...command.split(' '), '--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: tower ${command}`);
  });

  it('names the options of `tower events`', async () => {
    const result = await runCli(tempDir(), ['events', '--help']);

    for (const option of ['--after', '--stream', '--type', '--limit', '--json']) {
      expect(result.stdout).toContain(option);
    }
  });

  it('rejects a sequence number that is not a number, without a stack trace', async () => {
    const result = await runCli(tempDir(), ['events', '--after', 'ten']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('must be a whole number');
    expect(result.stderr).not.toMatch(/^\s+at /mu);
  });
});
