import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createCliLogger } from '../logger.ts';
import { startPublisher } from '../publisher/index.ts';
import { openExistingTower } from './data-folder.ts';
import { followOtherCommits } from './other-commits.ts';

/**
 * `tower publish`: runs the publisher in the foreground until SIGINT or SIGTERM, following
 * the commits other processes make (the CLI's) within a second. `tower serve` runs the same
 * publisher beside the web server; this command is for a Tower without one.
 */
export function publishCommand(): Command {
  return new Command('publish')
    .description(
      'Push pending account JWTs to every installation and keep them in step (reconcile, ' +
        'retry with backoff) until stopped with Ctrl-C.',
    )
    .action(runPublisher);
}

async function runPublisher(): Promise<void> {
  const config = loadConfig();
  const logger = createCliLogger(config.logLevel);
  const tower = openExistingTower(config);
  const publisher = startPublisher(tower, { logger });
  const stopFollowing = followOtherCommits(tower, logger);
  logger.info({ dataDir: config.dataDir }, 'publisher running');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  stopFollowing();
  await publisher.stop();
  tower.close();
  logger.info('publisher stopped');
}
