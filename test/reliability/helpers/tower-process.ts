import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOWER_BIN = fileURLToPath(new URL('../../../bin/tower.js', import.meta.url));
const READY_TIMEOUT_MS = 20_000;

export interface TowerProcessOptions {
  dataDir: string;
  port: number;
  /** Extra TOWER_* settings. */
  env?: Record<string, string>;
}

/**
 * `tower serve` as a child process that a test starts, kills with SIGKILL and starts again on
 * the same data folder. The parent's TOWER_* variables are left out.
 */
export class TowerProcess {
  readonly base: string;
  #child: ChildProcess | undefined;
  #output = '';

  constructor(private readonly options: TowerProcessOptions) {
    this.base = `http://127.0.0.1:${options.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** What the process wrote to stdout and stderr, for failure messages. */
  output(): string {
    return this.#output.slice(-8_000);
  }

  /** Starts `tower serve` and resolves once it answers HTTP. */
  async start(): Promise<void> {
    if (this.#child) throw new Error('tower serve is already running');
    const child = spawn(process.execPath, [TOWER_BIN, 'serve'], {
      env: this.#env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    child.stdout?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.#output += chunk.toString()));
    child.once('exit', () => {
      if (this.#child === child) this.#child = undefined;
    });

    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`tower serve exited with ${child.exitCode}:\n${this.output()}`);
      }
      const answer = await fetch(`${this.base}/healthz`).catch(() => undefined);
      if (answer?.ok) return;
      if (Date.now() > deadline) throw new Error(`tower serve did not answer:\n${this.output()}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  /** SIGKILL: no shutdown code runs, as in a crash or an OOM kill. */
  kill(): Promise<void> {
    return this.#signal('SIGKILL');
  }

  /** SIGTERM, the orderly stop; then any internal nats-server a crash left behind is ended. */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
    stopLeftInternalServer(this.options.dataDir);
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.#child = undefined;
  }

  #env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!name.startsWith('TOWER_')) env[name] = value;
    }
    if (process.env.TOWER_NATS_SERVER_BIN) {
      env.TOWER_NATS_SERVER_BIN = process.env.TOWER_NATS_SERVER_BIN;
    }
    return {
      ...env,
      TOWER_DATA_DIR: this.options.dataDir,
      TOWER_PORT: String(this.options.port),
      TOWER_ADMIN_PASSWORD: 'reliability-admin-password',
      TOWER_USER_PASSWORD: 'reliability-user-password',
      TOWER_LOG_LEVEL: 'warn',
      ...this.options.env,
    };
  }
}

/**
 * The internal nats-server is started detached, so a SIGKILLed Tower leaves it running until
 * the next Tower stops it. After the test nothing may be left: end it by its pid file.
 */
export function stopLeftInternalServer(dataDir: string): void {
  let pid: number;
  try {
    pid = Number(readFileSync(join(dataDir, 'nats', 'nats-server.pid'), 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return;
  // A pid file outlives its process and pids are reused: only end the server of this folder.
  let commandLine = '';
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!commandLine.includes('nats-server') || !commandLine.includes(dataDir)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
