import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Paths inside a server's temporary directory, for configs that need them. */
export interface ServerPaths {
  dir: string;
  /** JetStream store directory. */
  storeDir: string;
  /** Full resolver directory. */
  jwtDir: string;
}

export interface NatsServerOptions {
  /** Defaults to a name made from the temp directory. */
  serverName?: string;
  /** Adds a JetStream block with a temp store directory. */
  jetstream?: boolean;
  /** Text appended to the harness's config, e.g. operator-mode settings. */
  extraConfig?: string | ((paths: ServerPaths) => string);
  /**
   * Replaces the harness's config entirely (only `ports_file_dir` is added); the config then
   * decides ports itself, e.g. `port: -1`.
   */
  config?: (paths: ServerPaths) => string;
  /** Files written into the temp directory before start, e.g. `operator.conf`. */
  files?: Record<string, string>;
}

export interface NatsServer {
  /** Client URL; changes after restart() when the config lets the server pick the port. */
  readonly url: string;
  readonly clientPort: number;
  /** Monitoring URL when the config enables monitoring. */
  readonly monitorUrl: string | undefined;
  readonly paths: ServerPaths;
  /** The server's log so far, for failure messages. */
  logs(): string;
  /** Resolves when the log has a line containing the text; throws after the timeout. */
  waitForLog(text: string, timeoutMs?: number): Promise<void>;
  /** Stops the process and keeps the directory, so state survives a restart. */
  restart(): Promise<void>;
  /** Stops the process and removes the directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface NatsCluster {
  readonly servers: readonly NatsServer[];
  /** Every server's client URL. */
  readonly urls: string[];
  stop(): Promise<void>;
}

interface PortsFile {
  nats?: string[];
  monitoring?: string[];
  cluster?: string[];
}

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const running = new Set<ChildProcess>();

process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a nats-server on loopback with ports the system picks and a temporary directory,
 * and waits until it has written its ports file. Call stop() in teardown.
 *
 * @example const server = await startNatsServer({ jetstream: true }); ...; await server.stop();
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const binary = natsServerBinary();
  const dir = await mkdtemp(join(tmpdir(), 'tower-nats-'));
  const paths = { dir, storeDir: join(dir, 'jetstream'), jwtDir: join(dir, 'jwt') };
  const configPath = join(dir, 'server.conf');

  for (const [name, text] of Object.entries(options.files ?? {})) {
    await writeFile(join(dir, name), text);
  }
  await writeFile(configPath, configText(options, paths));
  const server = new RunningServer(binary, configPath, paths);
  try {
    return await server.start();
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * Starts `size` servers joined in one cluster, waits until every route is up and returns
 * them. Route ports are fixed in advance (routes must name them); client ports are -1.
 */
export async function startNatsCluster(
  size = 3,
  options: Omit<NatsServerOptions, 'config'> = {},
): Promise<NatsCluster> {
  const ports = await freePorts(size);
  const routes = ports.map((port) => `nats-route://127.0.0.1:${port}`);
  const servers: NatsServer[] = [];
  try {
    for (const [index, port] of ports.entries()) {
      const cluster = clusterBlock(port, routes);
      const extra = (paths: ServerPaths) => `${cluster}\n${extraText(options.extraConfig, paths)}`;
      const serverName = `${options.serverName ?? 'n'}${index + 1}`;
      servers.push(await startNatsServer({ ...options, serverName, extraConfig: extra }));
    }
    await Promise.all(servers.map((server) => waitForRoutes(server, size - 1)));
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
  return {
    servers,
    get urls() {
      return servers.map((server) => server.url);
    },
    stop: async () => {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}

/** Asks the system for free loopback ports by binding port 0, for ports a config must name. */
export async function freePorts(count: number): Promise<number[]> {
  const listeners = await Promise.all(Array.from({ length: count }, listenOnAnyPort));
  const ports = listeners.map((listener) => (listener.address() as { port: number }).port);
  await Promise.all(listeners.map((listener) => new Promise((done) => listener.close(done))));
  return ports;
}

/** The nats-server binary: TOWER_NATS_SERVER_BIN, else the PATH, else /usr/sbin. */
export function natsServerBinary(): string {
  const configured = process.env.TOWER_NATS_SERVER_BIN;
  if (configured) {
    if (!existsSync(configured)) {
      throw new Error(`TOWER_NATS_SERVER_BIN is ${configured}, but no file is there`);
    }
    return configured;
  }
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/bin'];
  const found = dirs
    .filter(Boolean)
    .map((dir) => join(dir, 'nats-server'))
    .find(existsSync);
  if (!found) {
    throw new Error(
      'nats-server not found: install it (e.g. apt-get install nats-server) or set ' +
        'TOWER_NATS_SERVER_BIN to its path. These tests need a real server and do not skip.',
    );
  }
  return found;
}

class RunningServer implements NatsServer {
  readonly paths: ServerPaths;
  #child: ChildProcess | undefined;
  #ports: PortsFile = {};
  #log = '';
  #removed = false;

  constructor(
    private readonly binary: string,
    private readonly configPath: string,
    paths: ServerPaths,
  ) {
    this.paths = paths;
  }

  get url(): string {
    const url = this.#ports.nats?.[0];
    if (!url) throw new Error('nats-server is not running');
    return url;
  }

  get clientPort(): number {
    return Number(new URL(this.url).port);
  }

  get monitorUrl(): string | undefined {
    return this.#ports.monitoring?.[0];
  }

  logs(): string {
    return this.#log;
  }

  async waitForLog(text: string, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#log.includes(text)) {
      if (Date.now() > deadline) throw new Error(`no log line with "${text}":\n${this.#log}`);
      await sleep(20);
    }
  }

  async start(): Promise<this> {
    const child = spawn(this.binary, ['-c', this.configPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    running.add(child);
    child.stdout?.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.#log += chunk.toString()));
    child.once('exit', () => running.delete(child));

    try {
      this.#ports = await this.#waitForPortsFile(child);
    } catch (error) {
      await this.#kill();
      throw error;
    }
    return this;
  }

  async restart(): Promise<void> {
    await this.#kill();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.#kill();
    if (this.#removed) return;
    this.#removed = true;
    await rm(this.paths.dir, { recursive: true, force: true });
  }

  async #waitForPortsFile(child: ChildProcess): Promise<PortsFile> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    const file = join(this.paths.dir, `nats-server_${child.pid}.ports`);
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`nats-server exited with ${child.exitCode}:\n${this.#log}`);
      }
      const ports = await readPortsFile(file);
      if (ports?.nats?.length) return ports;
      await sleep(20);
    }
    throw new Error(`nats-server wrote no ports file in ${START_TIMEOUT_MS} ms:\n${this.#log}`);
  }

  async #kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;

    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    await removePortsFiles(this.paths.dir);
  }
}

function configText(options: NatsServerOptions, paths: ServerPaths): string {
  const portsLine = `ports_file_dir: ${JSON.stringify(paths.dir)}`;
  if (options.config) return `${portsLine}\n${options.config(paths)}\n`;

  const name = options.serverName ?? paths.dir.split('-').pop();
  return [
    portsLine,
    'listen: "127.0.0.1:-1"',
    'http: "127.0.0.1:-1"',
    `server_name: ${JSON.stringify(name)}`,
    ...(options.jetstream ? [`jetstream: { store_dir: ${JSON.stringify(paths.storeDir)} }`] : []),
    extraText(options.extraConfig, paths),
    '',
  ].join('\n');
}

function extraText(extra: NatsServerOptions['extraConfig'], paths: ServerPaths): string {
  if (extra === undefined) return '';
  return typeof extra === 'string' ? extra : extra(paths);
}

function clusterBlock(port: number, routes: readonly string[]): string {
  const list = routes.map((route) => JSON.stringify(route)).join(', ');
  return `cluster: { name: "tower-test", listen: "127.0.0.1:${port}", routes: [${list}] }`;
}

async function waitForRoutes(server: NatsServer, expected: number): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const response = await fetch(`${server.monitorUrl}/routez`);
    const routez = (await response.json()) as { num_routes: number };
    if (routez.num_routes >= expected) return;
    await sleep(50);
  }
  throw new Error(`cluster routes did not come up in ${START_TIMEOUT_MS} ms:\n${server.logs()}`);
}

async function readPortsFile(file: string): Promise<PortsFile | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PortsFile;
  } catch {
    return undefined;
  }
}

async function removePortsFiles(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((name) => name.endsWith('.ports'));
  await Promise.all(stale.map((name) => rm(join(dir, name), { force: true })));
}

function listenOnAnyPort(): Promise<ReturnType<typeof createServer>> {
  return new Promise((resolve, reject) => {
    const listener = createServer();
    listener.once('error', reject);
    listener.listen(0, '127.0.0.1', () => resolve(listener));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
