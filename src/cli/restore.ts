import { Command } from 'commander';
import { restoreDataFolder } from '../app/backup.ts';
import { loadConfig } from '../config.ts';
import { TowerError } from '../errors/index.ts';
import { createCliLogger } from '../logger.ts';

/** `tower restore FILE`: a backup back into an empty data folder, then verified. */
export function restoreCommand(): Command {
  return new Command('restore')
    .description(
      'Restore a backup (FILE and FILE.key) into an empty data folder (TOWER_DATA_DIR) and ' +
        'verify its event log. Refuses a folder that holds anything.',
    )
    .argument('<file>', 'the backup file written by `tower backup`')
    .action(runRestore);
}

function runRestore(file: string): void {
  const config = loadConfig();
  const logger = createCliLogger(config.logLevel);

  const result = restoreDataFolder({ file, dataDir: config.dataDir, secretKey: config.secretKey });
  const { report } = result;
  logger.info(
    { file, dataDir: config.dataDir, headSeq: report.headSeq, ok: report.ok },
    'backup restored',
  );

  process.stdout.write(`Restored ${file} into ${config.dataDir}.\n`);
  process.stdout.write(
    result.keyRestored ? 'Restored the key file.\n' : 'The key comes from TOWER_SECRET_KEY.\n',
  );
  if (!report.ok) {
    const where = report.firstBadSeq === undefined ? '' : ` at seq ${report.firstBadSeq}`;
    throw new TowerError(
      'log_corrupt',
      `The restored log fails verification${where}: ${report.problem}.`,
    );
  }
  if (result.tamperedSecrets.length > 0) {
    const list = result.tamperedSecrets.join(', ');
    throw new TowerError('keystore_tampered', `Keystore entries failed their check: ${list}.`);
  }
  process.stdout.write(
    `Verified: ${report.events} events, head ${report.headHash.slice(0, 16)}….\n`,
  );
}
