import { Command, Option } from 'commander';
import { SYSTEM_ACTOR } from '../commands/index.ts';
import { loadConfig } from '../config.ts';
import { readInstallationStatus } from '../publisher/index.ts';
import { installationConfig } from '../signer/installation-config.ts';
import { openExistingTower } from './data-folder.ts';

/** `tower installation …`: what an admin needs to bring an installation's servers up. */
export function installationCommand(): Command {
  return new Command('installation')
    .description('Work with NATS installations.')
    .addCommand(
      new Command('config')
        .description(
          'Print the NATS server settings of an installation: operator.conf (operator JWT, ' +
            'system account, preloaded SYS JWT) and an example server configuration.',
        )
        .argument('<id>', 'the installation id')
        .addOption(
          new Option('--only <part>', 'print just one part').choices(['operator', 'server']),
        )
        .action(printConfig),
    )
    .addCommand(
      new Command('create')
        .description('Create an installation (as Tower itself) and print its id.')
        .requiredOption('--name <name>', 'the installation name')
        .requiredOption('--url <url...>', 'client URLs of its servers (nats://host:4222)')
        .option('--description <text>', 'what it is for', '')
        .action(createInstallation),
    )
    .addCommand(
      new Command('status')
        .description(
          'Show what Tower last saw of an installation: reachable or not, its servers, and ' +
            'for each account whether it is published, pending or failed.',
        )
        .argument('<id>', 'the installation id')
        .option('--json', 'print the status as JSON')
        .action(printStatus),
    )
    .addCommand(
      new Command('list')
        .description('List installations: id, name, URLs.')
        .action(listInstallations),
    );
}

async function printConfig(id: string, options: { only?: 'operator' | 'server' }): Promise<void> {
  const tower = openExistingTower(loadConfig());
  try {
    const { operatorConf, serverConf } = installationConfig(tower.db, tower.jwts, id);
    if (options.only === 'operator') return void process.stdout.write(operatorConf);
    if (options.only === 'server') return void process.stdout.write(serverConf);
    process.stdout.write(`# ---- operator.conf ----\n${operatorConf}\n`);
    process.stdout.write(`# ---- nats-server.conf (example) ----\n${serverConf}`);
  } finally {
    tower.close();
  }
}

async function createInstallation(options: {
  name: string;
  url: string[];
  description: string;
}): Promise<void> {
  const tower = openExistingTower(loadConfig());
  try {
    const input = { name: options.name, urls: options.url, description: options.description };
    const result = await tower.bus.execute('CreateInstallation', input, SYSTEM_ACTOR);
    console.log(result.id);
  } finally {
    tower.close();
  }
}

async function printStatus(id: string, options: { json?: boolean }): Promise<void> {
  const tower = openExistingTower(loadConfig());
  try {
    const status = readInstallationStatus(tower.db, id);
    if (options.json) return void console.log(JSON.stringify(status, null, 2));
    const reach = status.reachable ? 'reachable' : 'not reachable';
    console.log(`${reach}${status.lastError ? ` (${status.lastError})` : ''}`);
    for (const server of status.servers) console.log(`server ${server.name} ${server.version}`);
    for (const account of status.accounts) {
      const detail =
        account.state === 'published'
          ? `to ${account.servers.length} server(s) at ${account.publishedAt}`
          : `since ${account.pendingSince}${account.lastError ? `: ${account.lastError}` : ''}`;
      console.log(`account ${account.accountId} ${account.state} ${detail}`);
    }
  } finally {
    tower.close();
  }
}

async function listInstallations(): Promise<void> {
  const tower = openExistingTower(loadConfig());
  try {
    const rows = tower.db
      .prepare('SELECT id, name, urls FROM installations ORDER BY name')
      .all() as { id: string; name: string; urls: string }[];
    for (const row of rows) {
      console.log(`${row.id}  ${row.name}  ${(JSON.parse(row.urls) as string[]).join(',')}`);
    }
  } finally {
    tower.close();
  }
}
