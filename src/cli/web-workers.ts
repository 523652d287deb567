import cluster, { type Worker } from 'node:cluster';
import type { Tower } from '../app/open-tower.ts';
import type { TowerConfig, WebConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Publisher } from '../publisher/index.ts';
import { buildServer } from '../web/build-server.ts';
import { monitoringThrough } from '../web/live-monitoring.ts';
import { LoginLimiter } from '../web/login-limiter.ts';
import { pages, renderErrorPage } from '../web/pages/index.ts';
import { openExistingTower } from './data-folder.ts';
import { answerWorker, PrimaryChannel } from './worker-channel.ts';

/** A web server `tower serve` runs, in this process or in workers; closed before the publisher. */
export interface RunningWeb {
  close(): Promise<void>;
  /** Rejects when the web can no longer be served: a replacement worker failed to start. */
  failed: Promise<never>;
}

/** How long a stopping worker may take to finish its requests before it is killed. */
const STOP_GRACE_MS = 10_000;

/**
 * V8's young generation of a web worker, in MB per semi-space. With Node's default of 16, each
 * worker grew by some 60 MB under load; at 2 the pages bench measured the same throughput, as
 * a request's garbage is short-lived and cheap to scavenge. A size given in NODE_OPTIONS or on
 * the command line wins.
 */
const WORKER_SEMI_SPACE_MB = 2;

function workerExecArgv(): string[] {
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (given.includes('--max-semi-space-size')) return process.execArgv;
  return [...process.execArgv, `--max-semi-space-size=${WORKER_SEMI_SPACE_MB}`];
}

/**
 * Starts `count` web workers (Node's cluster: they share the listening socket, and the kernel
 * spreads connections over them). Each opens the data folder on its own connection and runs
 * the commands it receives; SQLite serializes their commits. This process keeps what must
 * exist once: the publisher and its NATS connections, the mirror, the login limits. A worker
 * that dies is replaced; one that dies before it listens stops the start.
 */
export async function startWebWorkers(
  tower: Tower,
  web: WebConfig,
  deps: { logger: Logger; publisher: Publisher },
): Promise<RunningWeb> {
  const { logger } = deps;
  const count = web.workers;
  const services = {
    monitoring: monitoringThrough(deps.publisher, logger),
    loginGuard: new LoginLimiter(web.loginLimit),
    committed: () => tower.bus.commits.catchUp(),
  };
  let closing = false;
  cluster.setupPrimary({ execArgv: workerExecArgv() });
  const fork = (): Worker => {
    const worker = cluster.fork();
    worker.on('message', (message: unknown) => answerWorker(worker, message, services));
    return worker;
  };
  const forked = Array.from({ length: count }, fork);
  const started = await Promise.all(forked.map(listening)).catch(async (error: unknown) => {
    closing = true;
    await Promise.all(forked.map(stop));
    throw error;
  });
  logger.info({ workers: count, address: started[0] }, 'web workers listening');

  let fail: (error: unknown) => void = () => {};
  const failed = new Promise<never>((_resolve, reject) => (fail = reject));
  cluster.on('exit', (worker, code, signal) => {
    // Only a worker that served is replaced: one that cannot start would fail again and again.
    if (closing || !serving.has(worker)) return;
    logger.error({ pid: worker.process.pid, code, signal }, 'web worker stopped; starting another');
    listening(fork()).catch(fail);
  });

  return {
    failed,
    close: async () => {
      closing = true;
      await Promise.all(Object.values(cluster.workers ?? {}).map((worker) => stop(worker!)));
    },
  };
}

/** The workers that have listened. */
const serving = new WeakSet<Worker>();

/** Resolves with the address once the worker listens; rejects if it exits before. */
function listening(worker: Worker): Promise<string> {
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) =>
      reject(new Error(`a web worker exited with ${code} before it listened`));
    worker.once('exit', exited);
    worker.once('listening', (address) => {
      worker.off('exit', exited);
      serving.add(worker);
      resolve(`${address.address ?? ''}:${address.port}`);
    });
  });
}

function stop(worker: Worker): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => worker.process.kill('SIGKILL'), STOP_GRACE_MS);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.process.kill('SIGTERM');
  });
}

/**
 * In a web worker: the pages and the API on the shared socket, until SIGTERM or SIGINT, or
 * until `tower serve` goes away. Commits are told to `tower serve`, and monitoring and the
 * login limits are asked of it.
 */
export async function runWebWorker(
  config: TowerConfig,
  logger: Logger,
  stopped: Promise<unknown>,
): Promise<void> {
  const channel = new PrimaryChannel(process, logger);
  const tower = openExistingTower(config);
  try {
    tower.bus.commits.on(() => channel.committed());
    const app = await buildServer({
      tower,
      config: config.web,
      logger,
      pages,
      renderErrorPage,
      monitoring: channel.monitoring,
      loginGuard: channel.loginGuard,
    });
    try {
      await app.listen({ host: config.web.host, port: config.web.port });
      await Promise.race([stopped, new Promise((gone) => process.once('disconnect', gone))]);
    } finally {
      await app.close();
    }
  } finally {
    tower.close();
    // The IPC channel would keep this process alive.
    if (process.connected) process.disconnect();
  }
}
