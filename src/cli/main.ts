import { Command } from 'commander';
import { backupCommand } from './backup.ts';
import { eventsCommand } from './events.ts';
import { initCommand } from './init.ts';
import { installationCommand } from './installation.ts';
import { publishCommand } from './publish.ts';
import { replayCommand } from './replay.ts';
import { formatError } from './report-error.ts';
import { restoreCommand } from './restore.ts';
import { seedCommand } from './seed.ts';
import { serveCommand } from './serve.ts';
import { tokenCommand } from './token.ts';
import { userCommand } from './user-add.ts';
import { verifyCommand } from './verify.ts';

/** The `tower` program with every subcommand; settings come from TOWER_* variables. */
export function buildProgram(): Command {
  return new Command('tower')
    .description('NATS Tower: run many NATS installations for many teams from one place.')
    .addHelpText(
      'after',
      '\nSettings come from TOWER_* environment variables (TOWER_DATA_DIR, ...).',
    )
    .showHelpAfterError()
    .addCommand(initCommand())
    .addCommand(serveCommand())
    .addCommand(verifyCommand())
    .addCommand(eventsCommand())
    .addCommand(replayCommand())
    .addCommand(userCommand())
    .addCommand(tokenCommand())
    .addCommand(installationCommand())
    .addCommand(publishCommand())
    .addCommand(seedCommand())
    .addCommand(backupCommand())
    .addCommand(restoreCommand());
}

/**
 * Runs the command line and returns the exit code: 0, or 1 with one `error [code] message`
 * line on standard error.
 */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return 0;
  } catch (error) {
    process.stderr.write(formatError(error) + '\n');
    return 1;
  }
}
