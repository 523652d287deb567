import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePorts } from '../helpers/nats-server.ts';
import { tempDir } from '../helpers/run-cli.ts';

const TOWER_BIN = fileURLToPath(new URL('../../bin/tower.js', import.meta.url));

describe('tower serve without nats-server', () => {
  it('serves its pages and says once that the mirror is off', async () => {
    const [port] = await freePorts(1);
    const child = spawn(process.execPath, [TOWER_BIN, 'serve'], {
      env: {
        // Only node itself on the PATH: no nats-server anywhere Tower looks first.
        PATH: dirname(process.execPath),
        TOWER_DATA_DIR: tempDir('tower-no-nats-'),
        TOWER_PORT: String(port),
        TOWER_NATS_SERVER_BIN: '/nonexistent/nats-server',
        TOWER_ADMIN_PASSWORD: 'no-nats-admin-pw',
        TOWER_USER_PASSWORD: 'no-nats-user-pw',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    try {
      const until = Date.now() + 20_000;
      let status = 0;
      while (status !== 200 && Date.now() < until) {
        status =
          (await fetch(`http://127.0.0.1:${port}/login`).catch(() => undefined))?.status ?? 0;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(status).toBe(200);
      expect(output.match(/mirror is off/gu)).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
  });
});
