import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import type { Tower } from '../app/open-tower.ts';
import { SYSTEM_ACTOR } from '../commands/index.ts';
import type { NatsConfig } from '../config.ts';
import { TowerError } from '../errors/index.ts';
import type { Logger } from '../logger.ts';
import { findNatsServer } from '../mirror/server-binary.ts';
import { installationConfig } from '../signer/installation-config.ts';

export const DEMO_INSTALLATION = 'demo';

export interface DemoInstallation {
  installationId: string;
  url: string;
  stop(): Promise<void>;
}

/**
 * Demo mode: a local installation named "demo", and a nats-server in operator mode started
 * from exactly the settings Tower generates for it (the Key dialog's text), so that a newcomer
 * can create an account and a NATS user and connect with the creds within a minute. The
 * installation is created once; later starts reuse it and its port.
 */
export async function startDemoInstallation(
  tower: Tower,
  nats: Pick<NatsConfig, 'serverBin' | 'path'>,
  logger: Logger,
): Promise<DemoInstallation> {
  const binary = findNatsServer(nats).found;
  if (!binary) {
    throw new TowerError(
      'config_invalid',
      'Demo mode needs nats-server: install it (apt-get install nats-server) or set TOWER_NATS_SERVER_BIN.',
      { field: 'TOWER_NATS_SERVER_BIN' },
    );
  }
  const { installationId, port } = await ensureInstallation(tower);
  const dir = join(tower.dataDir, 'demo-nats');
  mkdirSync(join(dir, 'jwt'), { recursive: true, mode: 0o700 });
  const config = installationConfig(tower.db, tower.jwts, installationId, {
    serverName: 'demo-1',
    host: '127.0.0.1',
    port,
    httpPort: null,
    resolverDir: join(dir, 'jwt'),
    jetstreamDir: join(dir, 'jetstream'),
  });
  writeFileSync(join(dir, 'operator.conf'), config.operatorConf, { mode: 0o600 });
  writeFileSync(join(dir, 'nats-server.conf'), config.serverConf, { mode: 0o600 });

  const child = spawn(binary, ['-c', join(dir, 'nats-server.conf')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(port, child);
  const url = `nats://127.0.0.1:${port}`;
  logger.info({ installationId, url }, 'demo installation running');
  return {
    installationId,
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function ensureInstallation(tower: Tower): Promise<{ installationId: string; port: number }> {
  const existing = tower.reader.installationByName(DEMO_INSTALLATION);
  if (existing)
    return { installationId: existing.id, port: Number(new URL(existing.urls[0]!).port) };
  const port = await freePort();
  const created = await tower.bus.execute(
    'CreateInstallation',
    {
      name: DEMO_INSTALLATION,
      urls: [`nats://127.0.0.1:${port}`],
      description: 'A local nats-server that tower serve --demo runs from the generated settings.',
    },
    SYSTEM_ACTOR,
  );
  return { installationId: created.id!, port };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server takes connections; rejects if it exits first or takes too long. */
async function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      throw new TowerError('internal', `The demo nats-server exited (code ${child.exitCode}).`);
    }
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new TowerError('internal', 'The demo nats-server did not start listening in time.');
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
