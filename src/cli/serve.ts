import { Command } from 'commander';
import { firstStart } from '../app/first-start.ts';
import { openTower } from '../app/open-tower.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { startPublisher } from '../publisher/index.ts';
import { startDemoInstallation } from '../demo/demo-installation.ts';
import { startMirror } from '../mirror/index.ts';
import { buildServer } from '../web/build-server.ts';
import { pages, renderErrorPage } from '../web/pages/index.ts';
import { credentialsBanner } from './init.ts';

/** `tower serve`: the web server and the publisher, until SIGINT or SIGTERM. */
export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'Run Tower: the web pages and API on TOWER_HOST:TOWER_PORT (default 127.0.0.1:8090) and ' +
        'the publisher. On an empty data folder it first creates the default admin and user, ' +
        'printing generated passwords once, to standard error.',
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
    const app = await buildServer({
      tower,
      config: config.web,
      logger,
      publisher,
      pages,
      renderErrorPage,
    });
    try {
      const { host, port } = config.web;
      await app.listen({ host, port });
      const signal = await stopSignal();
      logger.info({ signal }, 'stopping');
    } finally {
      await app.close();
      await publisher.stop();
      await mirror.stop();
      await demo?.stop();
    }
  } finally {
    tower.close();
  }
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
