import { Command } from 'commander';
import { firstStart, type GeneratedCredential } from '../app/first-start.ts';
import { openTower } from '../app/open-tower.ts';
import { loadConfig } from '../config.ts';
import { createCliLogger } from '../logger.ts';

/** `tower init`: creates the data folder and the default admin and user. */
export function initCommand(): Command {
  return new Command('init')
    .description(
      'Create the data folder (TOWER_DATA_DIR, default ./data) with the default admin and user. ' +
        'Generated passwords are printed once, to standard error.',
    )
    .action(runInit);
}

async function runInit(): Promise<void> {
  const config = loadConfig();
  const logger = createCliLogger(config.logLevel);
  const tower = openTower({
    dataDir: config.dataDir,
    secretKey: config.secretKey,
    synchronous: config.synchronous,
  });
  try {
    const generated = await firstStart(tower, config.firstStart);
    const headSeq = tower.log.head().seq;
    // Only the count goes into the log; the passwords themselves go to the banner alone.
    logger.info(
      { dataDir: config.dataDir, headSeq, generated: generated.length },
      'data folder ready',
    );

    if (generated.length > 0) process.stderr.write(credentialsBanner(generated));
    process.stdout.write(`Tower data folder ready at ${config.dataDir} (${headSeq} events).\n`);
  } finally {
    tower.close();
  }
}

/** The once-only notice of generated passwords, for standard error (`tower init`, `tower serve`). */
export function credentialsBanner(credentials: readonly GeneratedCredential[]): string {
  const rule = '='.repeat(72);
  const width = Math.max(...credentials.map((c) => c.email.length));
  const rows = credentials.map(
    (c) => `    ${c.role.padEnd(6)} ${c.email.padEnd(width)}  ${c.password}`,
  );
  return [
    '',
    rule,
    '  Tower generated these passwords. They are shown this once only:',
    '  store them somewhere safe now, and change them after signing in.',
    '',
    ...rows,
    rule,
    '',
    '',
  ].join('\n');
}
