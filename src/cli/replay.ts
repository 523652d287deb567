import { Command, Option } from 'commander';
import { replay, type ReplayOptions } from '../app/replay.ts';
import { loadConfig } from '../config.ts';
import { openExistingTower } from './data-folder.ts';
import { parseWholeNumber } from './parse-number.ts';
import { formatCount, progressBar } from './progress-bar.ts';

/** `tower replay`: rebuilds the read models from the log, in place or into a new file. */
export function replayCommand(): Command {
  return new Command('replay')
    .description(
      'Rebuild every read model from the event log. In place by default; with --into, into a ' +
        'new SQLite file as of --to, to inspect the state at that point in time.',
    )
    .addOption(
      new Option('--to <seq>', 'the last event to apply (needs --into)').argParser(
        parseWholeNumber,
      ),
    )
    .option('--into <file>', 'build the read models in this new SQLite file')
    .action(runReplay);
}

function runReplay(options: { to?: number; into?: string }): void {
  const config = loadConfig();
  // The whole Tower, not just the database: the signer's JWTs are rebuilt too, with its keys.
  const tower = openExistingTower(config);
  const bar = progressBar();
  try {
    const replayOptions: ReplayOptions = {
      to: options.to,
      into: options.into,
      projections: tower.projections,
    };
    if (bar) replayOptions.onProgress = (progress) => bar.update(progress);
    const result = replay(tower.db, replayOptions);

    const where = result.into ? `into ${result.into}` : 'in place';
    process.stdout.write(
      `Replayed ${formatCount(result.events)} events (to seq ${result.toSeq}) ${where} in ` +
        `${result.seconds.toFixed(2)} s: ${formatCount(result.rate)} events/s.\n`,
    );
  } finally {
    bar?.done();
    tower.close();
  }
}
