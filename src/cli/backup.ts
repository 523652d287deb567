import { Command } from 'commander';
import { backupDataFolder } from '../app/backup.ts';
import { loadConfig } from '../config.ts';
import { createCliLogger } from '../logger.ts';

/** `tower backup FILE`: a consistent copy of the database, with the key file beside it. */
export function backupCommand(): Command {
  return new Command('backup')
    .description(
      'Write a consistent copy of the database to FILE (safe while Tower runs) and the key ' +
        'file to FILE.key (mode 0600). Keep both somewhere safe: together they open every secret.',
    )
    .argument('<file>', 'the backup file to create')
    .action(runBackup);
}

async function runBackup(file: string): Promise<void> {
  const config = loadConfig();
  const logger = createCliLogger(config.logLevel);

  const result = await backupDataFolder({
    dataDir: config.dataDir,
    file,
    secretKey: config.secretKey,
  });
  logger.info(
    { file, headSeq: result.headSeq, keyCopied: result.keyFile !== null },
    'backup written',
  );

  process.stdout.write(`Backed up ${result.headSeq} events to ${file}.\n`);
  process.stdout.write(
    result.keyFile
      ? `Copied the key file to ${result.keyFile} (mode 0600).\n`
      : 'The key was not copied: it comes from TOWER_SECRET_KEY. Keep that value safe, ' +
          'the backup cannot be restored without it.\n',
  );
}
