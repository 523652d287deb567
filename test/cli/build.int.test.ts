import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/eventually.ts';
import { freePorts } from '../helpers/nats-server.ts';
import { tempDir } from '../helpers/run-cli.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILD_SCRIPT = join(ROOT, 'scripts/build.mjs');

/**
 * `npm run build` and what `npm start` runs from it: plain JavaScript with the SQL, the
 * templates and the assets beside it. Built inside the repository (in .tmp/, which git
 * ignores), where the compiled code finds node_modules as the sources do.
 */
describe('the built tower', () => {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const out = mkdtempSync(join(ROOT, '.tmp', 'build-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('serves pages, assets and the API from the JavaScript it builds', async () => {
    execFileSync(process.execPath, [BUILD_SCRIPT, out], { stdio: 'pipe' });
    expect(existsSync(join(out, 'cli/run.js'))).toBe(true);
    expect(existsSync(join(out, 'store/migrations'))).toBe(true);
    expect(existsSync(join(out, 'web/session-store.ts'))).toBe(false);

    const [port] = await freePorts(1);
    const base = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [join(out, 'cli/run.js'), 'serve'], {
      env: {
        PATH: process.env.PATH,
        TOWER_DATA_DIR: tempDir('tower-built-'),
        TOWER_PORT: String(port),
        TOWER_LOG_LEVEL: 'warn',
        TOWER_SYNCHRONOUS: 'NORMAL',
        TOWER_NATS_SERVER_BIN: '/nonexistent/nats-server',
        TOWER_ADMIN_PASSWORD: 'built-admin-pw',
        TOWER_USER_PASSWORD: 'built-user-pw',
      },
      stdio: 'ignore',
    });
    try {
      await eventually(
        async () => (await fetch(`${base}/login`).catch(() => undefined))?.status === 200,
        'the built server to answer',
        20_000,
      );
      const css = await fetch(`${base}/assets/tower.css`);
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toContain('text/css');

      const login = await fetch(`${base}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@tower.local', password: 'built-admin-pw' }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const page = await fetch(`${base}/installations`, { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<h1>Installations</h1>');
      const events = await fetch(`${base}/api/v1/events`, { headers: { cookie } });
      expect(((await events.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    } finally {
      const closed = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      expect(await closed).toBe(0);
    }
  });
});
