import { Command, Option } from 'commander';
import { SYSTEM_ACTOR } from '../commands/index.ts';
import { loadConfig } from '../config.ts';
import { TowerError } from '../errors/index.ts';
import { openExistingTower } from './data-folder.ts';

interface UserAddOptions {
  email: string;
  role: 'admin' | 'user';
  name?: string;
  passwordStdin: boolean;
}

/** `tower user`: the Tower users subcommands; `add` for now. */
export function userCommand(): Command {
  return new Command('user').description('Manage Tower users.').addCommand(userAddCommand());
}

function userAddCommand(): Command {
  return new Command('add')
    .description(
      'Create a Tower user. The password is read from standard input, never from an argument, ' +
        'so it stays out of the shell history and the process list.',
    )
    .requiredOption('--email <email>', 'the sign-in email')
    .addOption(
      new Option('--role <role>', 'what the user may do')
        .choices(['admin', 'user'])
        .makeOptionMandatory(),
    )
    .option('--name <name>', 'the display name (default: the part of the email before @)')
    .requiredOption('--password-stdin', 'read the password from standard input')
    .action(runUserAdd);
}

async function runUserAdd(options: UserAddOptions): Promise<void> {
  const config = loadConfig();
  const password = await readPassword();

  const tower = openExistingTower(config);
  try {
    const displayName = options.name ?? options.email.split('@')[0] ?? options.email;
    const input = { email: options.email, displayName, role: options.role, password };
    const result = await tower.bus.execute('CreateTowerUser', input, SYSTEM_ACTOR);
    process.stdout.write(`Created Tower user ${result.id} (${options.email}, ${options.role}).\n`);
  } finally {
    tower.close();
  }
}

/** The whole of standard input, without the one line break `echo` or a here-string adds. */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new TowerError(
      'invalid_input',
      '--password-stdin reads the password from a pipe, e.g. ' +
        '`tower user add ... --password-stdin < password-file`.',
      { field: 'password' },
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/u, '');
}
