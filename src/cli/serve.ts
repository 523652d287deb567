import cluster from 'node:cluster';
import { Command } from 'commander';
import { firstStart } from '../app/first-start.ts';
import { openTower, type Tower } from '../app/open-tower.ts';
import { loadConfig, type TowerConfig } from '../config.ts';
import { createLogger, type Logger } from '../logger.ts';
import { startPublisher, type Publisher } from '../publisher/index.ts';
import { startDemoInstallation } from '../demo/demo-installation.ts';
import { startMirror } from '../mirror/index.ts';
import { buildServer } from '../web/build-server.ts';
import { pages, renderErrorPage } from '../web/pages/index.ts';
import { credentialsBanner } from './init.ts';
import { followOtherCommits } from './other-commits.ts';
import { runWebWorker, startWebWorkers, type RunningWeb } from './web-workers.ts';

/** `tower serve`: the web server and the publisher, until SIGINT or SIGTERM. */
export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'Run Tower: the web pages and API on TOWER_HOST:TOWER_PORT (default 127.0.0.1:8090) and ' +
        'the publisher. On an empty data folder it first creates the default admin and user, ' +
        'printing generated passwords once, to standard error. With TOWER_WEB_WORKERS above 1, ' +
        'that many processes serve the web while this one publishes.',
    )
    .option(
      '--demo',
      'also create (once) an installation named "demo" and run a local nats-server in operator ' +
        'mode from its generated settings, so NATS users can connect right away',
    )
    .action(runServe);
}

async function runServe(options: { demo?: boolean }): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  if (cluster.isWorker) return runWebWorker(config, logger, stopSignal());

  const tower = openTower({
    dataDir: config.dataDir,
    secretKey: config.secretKey,
    synchronous: config.synchronous,
  });
  try {
    const generated = await firstStart(tower, config.firstStart);
    if (generated.length > 0) process.stderr.write(credentialsBanner(generated));

    const demo = options.demo ? await startDemoInstallation(tower, config.nats, logger) : undefined;
    const mirror = startMirror(tower, { nats: config.nats, logger });
    const publisher = startPublisher(tower, { logger });
    // The CLI's commits within a second; the web workers' at once (they say so).
    const stopFollowing = followOtherCommits(tower, logger);
    try {
      const web = await startWeb(tower, config, { logger, publisher });
      try {
        const signal = await Promise.race([stopSignal(), web.failed]);
        logger.info({ signal }, 'stopping');
      } finally {
        await web.close();
      }
    } finally {
      stopFollowing();
      await publisher.stop();
      await mirror.stop();
      await demo?.stop();
    }
  } finally {
    tower.close();
  }
}

/** The pages and the API: in this process, or in TOWER_WEB_WORKERS processes of their own. */
async function startWeb(
  tower: Tower,
  config: TowerConfig,
  deps: { logger: Logger; publisher: Publisher },
): Promise<RunningWeb> {
  if (config.web.workers > 1) return startWebWorkers(tower, config.web, deps);
  const app = await buildServer({ tower, config: config.web, pages, renderErrorPage, ...deps });
  try {
    await app.listen({ host: config.web.host, port: config.web.port });
  } catch (error) {
    await app.close();
    throw error;
  }
  return { close: () => app.close(), failed: new Promise<never>(() => {}) };
}

/** Resolves with the name of the first SIGINT or SIGTERM. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
