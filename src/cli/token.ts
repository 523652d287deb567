import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { TowerError } from '../errors/index.ts';
import { formatApiToken, newTokenSecret } from '../web/api-token-format.ts';
import { openExistingTower } from './data-folder.ts';

interface TokenCreateOptions {
  email: string;
  name: string;
  expires?: string;
}

/** `tower token`: API tokens; `create` for now. */
export function tokenCommand(): Command {
  return new Command('token').description('Manage API tokens.').addCommand(tokenCreateCommand());
}

function tokenCreateCommand(): Command {
  return new Command('create')
    .description(
      'Create an API token for a Tower user, acting as that user. The token is printed once, ' +
        'as the last line of output; Tower keeps only a digest of it.',
    )
    .requiredOption('--email <email>', "the token owner's sign-in email")
    .requiredOption('--name <name>', 'what the token is for, e.g. "ci"')
    .option('--expires <time>', 'an ISO-8601 time after which the token stops working')
    .action(runTokenCreate);
}

async function runTokenCreate(options: TokenCreateOptions): Promise<void> {
  const tower = openExistingTower(loadConfig());
  try {
    const user = tower.reader.towerUserByEmail(options.email);
    if (!user) {
      throw new TowerError('not_found', `No Tower user with email ${options.email}.`, {
        field: 'email',
      });
    }
    const { secret, digest } = newTokenSecret();
    const input = { name: options.name, expiresAt: options.expires ?? null, secretDigest: digest };
    const actor = { userId: user.id, role: user.role };
    const result = await tower.bus.execute('CreateApiToken', input, actor);
    const expires = options.expires ? `, expires ${options.expires}` : '';
    process.stdout.write(`Created API token ${result.id} for ${user.email}${expires}.\n`);
    process.stdout.write(`${formatApiToken(result.id!, secret)}\n`);
  } finally {
    tower.close();
  }
}
