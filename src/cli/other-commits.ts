import type { Tower } from '../app/open-tower.ts';
import type { Logger } from '../logger.ts';

/** How often a long-running command looks for commits made by other processes. */
const EVERY_MS = 1_000;

/**
 * Lets the publisher and the mirror of a long-running command (`tower serve`, `tower publish`)
 * follow commits that other processes make on the same data folder, such as the CLI's, within
 * a second. Returns the function that stops looking.
 */
export function followOtherCommits(tower: Tower, logger: Logger): () => void {
  const timer = setInterval(() => {
    try {
      tower.bus.commits.catchUp();
    } catch (error) {
      logger.error({ err: error }, 'reading the commits of other processes failed');
    }
  }, EVERY_MS);
  return () => clearInterval(timer);
}
