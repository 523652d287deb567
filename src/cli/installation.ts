import { Command, Option } from 'commander';
import { SYSTEM_ACTOR } from '../commands/index.ts';
import { loadConfig } from '../config.ts';
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
