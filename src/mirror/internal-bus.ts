import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TowerError } from '../errors/index.ts';
import { backoffDelay, type BackoffOptions } from '../publisher/backoff.ts';
import {
  internalBusPaths,
  isAlive,
  isOurServer,
  readClientUrl,
  readServerPid,
  writeInternalBusConfig,
  type InternalBusPaths,
} from './internal-bus-files.ts';
import { describeError } from '../nats/describe-error.ts';
import type { MirrorLogger } from './mirror-options.ts';

/** The binary, identity and place of the internal server. */
export interface InternalBusOptions {
  dataDir: string;
  /** The nats-server binary (see `findNatsServer`). */
  binary: string;
  /** The public nkey of Tower's user, the only identity the server admits. */
  userPublicKey: string;
  /** A fixed client port (TOWER_NATS_PORT); otherwise one the system picks, kept on restarts. */
  port?: number | undefined;
  logger: MirrorLogger;
  /** The waits between restarts of a server that keeps dying. */
  backoff: BackoffOptions;
}

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
/** A server that ran this long before it died is restarted at once, not after a long wait. */
const STABLE_MS = 10_000;
const POLL_MS = 25;

/**
 * Tower's own nats-server: a child process with JetStream, on 127.0.0.1 only, storing under
 * `<dataDir>/nats`, admitting Tower's nkey user alone. It is restarted with backoff whenever it
 * dies and stopped with Tower. A server left running by a Tower that was killed is stopped
 * before a new one starts, so two servers never share the store.
 *
 * @example
 * const bus = new InternalBus({ dataDir, binary, userPublicKey, logger, backoff });
 * bus.start(); const url = await bus.ready(); ...; await bus.stop();
 */
export class InternalBus {
  readonly #options: InternalBusOptions;
  readonly #paths: InternalBusPaths;
  readonly #listeners = new Set<(url: string) => void>();
  readonly #onExit = () => this.#child?.kill('SIGTERM');
  #port: number | undefined;
  #child: ChildProcess | undefined;
  #url: string | undefined;
  #stopping = false;
  #lastError: string | null = null;
  #wake: (() => void) | undefined;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: InternalBusOptions) {
    this.#options = options;
    this.#paths = internalBusPaths(options.dataDir);
    this.#port = options.port;
  }

  /** The client URL while the server listens. */
  get url(): string | undefined {
    return this.#url;
  }

  /** The server's process id while it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Why the server last failed to start or run, if it did. */
  get lastError(): string | null {
    return this.#lastError;
  }

  /** Starts the server in the background and keeps it running until stop(). */
  start(): void {
    process.on('exit', this.#onExit);
    this.#loop = this.#supervise();
  }

  /** Called with the client URL each time the server (re)starts and listens. */
  onStarted(listener: (url: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves with the URL once the server listens; rejects if the bus is stopped first. */
  ready(): Promise<string> {
    if (this.#url) return Promise.resolve(this.#url);
    return new Promise((resolve, reject) => {
      const off = this.onStarted((url) => {
        off();
        resolve(url);
      });
      void this.#loop.then(() => reject(new Error('the internal NATS server was stopped')));
    });
  }

  /** Stops the server (SIGTERM, then SIGKILL after ten seconds) and its supervision. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    const child = this.#child;
    if (child) await terminate(child);
    await this.#loop;
    process.off('exit', this.#onExit);
    this.#url = undefined;
  }

  async #supervise(): Promise<void> {
    try {
      await this.#stopLeftover();
    } catch (error) {
      this.#failed(error);
      return;
    }
    let attempt = 0;
    while (!this.#stopping) {
      const startedAt = Date.now();
      try {
        const child = await this.#launch();
        const { code, signal } = await exited(child);
        this.#url = undefined;
        if (this.#stopping) return;
        this.#lastError = `nats-server exited (code ${code}, signal ${signal})`;
        this.#options.logger.warn({ code, signal }, 'internal NATS server exited; restarting it');
      } catch (error) {
        if (this.#stopping) return;
        this.#failed(error);
        // The port kept from an earlier run may have been taken meanwhile.
        this.#port = this.#options.port;
      }
      attempt = Date.now() - startedAt > STABLE_MS ? 1 : attempt + 1;
      await this.#pause(backoffDelay(attempt, this.#options.backoff));
    }
  }

  #failed(error: unknown): void {
    this.#lastError = describeError(error);
    this.#options.logger.error(
      { error: this.#lastError, binary: this.#options.binary },
      'internal NATS server did not start',
    );
  }

  async #launch(): Promise<ChildProcess> {
    writeInternalBusConfig({
      paths: this.#paths,
      port: this.#port ?? -1,
      userPublicKey: this.#options.userPublicKey,
    });
    writeFileSync(ownerFile(this.#paths), `${process.pid}\n`, { mode: 0o600 });
    // Its own process group: a Ctrl-C in Tower's terminal reaches Tower, which stops it.
    const child = spawn(this.#options.binary, ['-c', this.#paths.config], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    this.#child = child;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2_000);
    });
    child.once('error', (error) => (stderr += describeError(error)));

    const url = await this.#waitForUrl(child, () => stderr);
    this.#url = url;
    this.#port = Number(new URL(url).port);
    this.#lastError = null;
    this.#options.logger.info({ url, pid: child.pid }, 'internal NATS server listening');
    for (const listener of this.#listeners) listener(url);
    return child;
  }

  async #waitForUrl(child: ChildProcess, stderr: () => string): Promise<string> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
        throw new Error(`nats-server exited at start: ${stderr() || this.#logTail()}`.trim());
      }
      const url = readClientUrl(this.#paths, child.pid);
      if (url) return url;
      await delay(POLL_MS);
    }
    await terminate(child);
    throw new Error(`nats-server did not listen within ${START_TIMEOUT_MS} ms: ${this.#logTail()}`);
  }

  /**
   * A Tower killed without stopping its server leaves it running on the store. It is stopped
   * now; a server that another live Tower process runs is an error instead.
   */
  async #stopLeftover(): Promise<void> {
    const pid = readServerPid(this.#paths);
    if (pid === undefined || !isAlive(pid) || !isOurServer(this.#paths, pid)) return;

    const owner = readOwner(this.#paths);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
      throw new TowerError(
        'invalid_state',
        `Another Tower process (pid ${owner}) runs the internal NATS server of this data folder.`,
        { context: { pid, owner } },
      );
    }
    this.#options.logger.warn({ pid }, 'stopping an internal NATS server left by an earlier Tower');
    await terminatePid(pid);
  }

  #logTail(): string {
    try {
      return readFileSync(this.#paths.log, 'utf8').slice(-1_000);
    } catch {
      return '';
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        done();
      }
      this.#wake = finish;
    });
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: child.exitCode, signal: child.signalCode }));
  });
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await done;
  clearTimeout(timer);
}

/** Stops a process that is not our child: it can only be watched through its pid. */
async function terminatePid(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) process.kill(pid, 'SIGKILL');
    await delay(POLL_MS);
  }
}

const ownerFile = (paths: InternalBusPaths) => join(paths.dir, 'tower.pid');

function readOwner(paths: InternalBusPaths): number | undefined {
  try {
    const pid = Number(readFileSync(ownerFile(paths), 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
