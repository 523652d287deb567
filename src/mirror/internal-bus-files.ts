import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The files of the internal server, all under `<dataDir>/nats`. */
export interface InternalBusPaths {
  dir: string;
  config: string;
  /** nats-server writes its pid here; a Tower that died without stopping it finds it there. */
  pidFile: string;
  log: string;
}

/** What the internal server's config says. */
export interface InternalBusConfig {
  paths: InternalBusPaths;
  /** The client port; -1 lets the system pick one, which the ports file then tells. */
  port: number;
  /** The public nkey of Tower's user: the only identity the server lets in. */
  userPublicKey: string;
}

/** Where the internal server of a data folder keeps its config, pid, log and JetStream store. */
export function internalBusPaths(dataDir: string): InternalBusPaths {
  const dir = join(dataDir, 'nats');
  return {
    dir,
    config: join(dir, 'nats-server.conf'),
    pidFile: join(dir, 'nats-server.pid'),
    log: join(dir, 'nats-server.log'),
  };
}

/**
 * Writes the server's config (mode 0600): loopback only, JetStream in the data folder, and an
 * authorization block that admits Tower's nkey user alone, so anonymous clients are refused.
 * The config holds the public key only; the seed stays in the keystore.
 */
export function writeInternalBusConfig(config: InternalBusConfig): void {
  const { paths, port, userPublicKey } = config;
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const text = [
    '# Written by NATS Tower at every start of its internal server; edits are overwritten.',
    'server_name: "tower-internal"',
    `listen: "127.0.0.1:${port}"`,
    `ports_file_dir: ${JSON.stringify(paths.dir)}`,
    `pid_file: ${JSON.stringify(paths.pidFile)}`,
    `log_file: ${JSON.stringify(paths.log)}`,
    'logfile_size_limit: 10MB',
    'jetstream {',
    `  store_dir: ${JSON.stringify(paths.dir)}`,
    '  max_memory_store: 64MB',
    '}',
    'authorization {',
    `  users: [ { nkey: ${JSON.stringify(userPublicKey)} } ]`,
    '}',
    '',
  ].join('\n');
  writeFileSync(paths.config, text, { mode: 0o600 });
}

/** The pid the server last wrote, if its pid file is there. */
export function readServerPid(paths: InternalBusPaths): number | undefined {
  if (!existsSync(paths.pidFile)) return undefined;
  const pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** The client URL from the ports file of the server with this pid, once it listens. */
export function readClientUrl(paths: InternalBusPaths, pid: number): string | undefined {
  try {
    const file = join(paths.dir, `nats-server_${pid}.ports`);
    const ports = JSON.parse(readFileSync(file, 'utf8')) as { nats?: string[] };
    return ports.nats?.[0];
  } catch {
    return undefined;
  }
}

/**
 * True when the process is alive and runs this data folder's server config. Another process
 * that happens to have reused the pid is left alone. Without /proc (not Linux) it cannot tell
 * and says no.
 */
export function isOurServer(paths: InternalBusPaths, pid: number): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.split('\0').includes(paths.config);
  } catch {
    return false;
  }
}

/**
 * The client URL of the data folder's running internal server, for the command line; undefined
 * when no Tower runs it.
 */
export function runningServerUrl(dataDir: string): string | undefined {
  const paths = internalBusPaths(dataDir);
  const pid = readServerPid(paths);
  return pid !== undefined && isAlive(pid) ? readClientUrl(paths, pid) : undefined;
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
