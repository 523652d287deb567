import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

const TOWER_BIN = fileURLToPath(new URL('../../bin/tower.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunCliOptions {
  /** Extra TOWER_* settings; they override the defaults below. */
  env?: Record<string, string>;
  /** Written to the command's standard input, which is then closed. */
  input?: string;
}

const made: string[] = [];
// Registered on the importing test file's root suite: its folders go when the file is done.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A new empty temporary folder, for a data folder or backup files; removed after the file. */
export function tempDir(prefix = 'tower-cli-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * Runs the real `tower` command (`node bin/tower.js ...args`) as a child process against the
 * data folder `dataDir`. The parent's TOWER_* variables are left out so that a developer's
 * settings cannot leak into a test.
 */
export function runCli(dataDir: string, args: string[], options: RunCliOptions = {}) {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('TOWER_')) env[name] = value;
  }
  Object.assign(env, { TOWER_DATA_DIR: dataDir, TOWER_SYNCHRONOUS: 'NORMAL' }, options.env);

  const child = spawn(process.execPath, [TOWER_BIN, ...args], { env, stdio: 'pipe' });
  child.stdin.end(options.input ?? '');
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
