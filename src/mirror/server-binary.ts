import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { NatsConfig } from '../config.ts';

/** Folders searched after the PATH: Debian installs nats-server in /usr/sbin. */
const FALLBACK_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin'];

/** Where a nats-server binary was found, or why none was. */
export type BinarySearch =
  { found: string; looked?: undefined } | { found?: undefined; looked: string[] };

/**
 * The nats-server binary for the internal server: TOWER_NATS_SERVER_BIN when set (and only
 * it, so that a wrong setting is noticed), else the first on the PATH, then in /usr/sbin.
 *
 * @example findNatsServer(loadConfig().nats) // { found: '/usr/sbin/nats-server' }
 */
export function findNatsServer(nats: Pick<NatsConfig, 'serverBin' | 'path'>): BinarySearch {
  const candidates = nats.serverBin
    ? [nats.serverBin]
    : [...nats.path.split(delimiter), ...FALLBACK_DIRS]
        .filter(Boolean)
        .map((dir) => join(dir, 'nats-server'));
  const found = candidates.find(isExecutable);
  return found ? { found } : { looked: candidates };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
