import { Command } from 'commander';
import { restoreDataFolder } from '../app/backup.ts';
import { loadConfig, type TowerConfig } from '../config.ts';
import { TowerError } from '../errors/index.ts';
import { createCliLogger, type Logger } from '../logger.ts';
import { commandLineEndpoint, connectForCommand } from '../mirror/command-line-bus.ts';
import { restoreFromNats } from '../mirror/restore-from-nats.ts';
import type { VerifyReport } from '../store/verify-log.ts';

interface RestoreOptions {
  fromNats?: boolean;
  keyFile?: string;
}

/** `tower restore FILE` or `tower restore --from-nats`: into an empty data folder, verified. */
export function restoreCommand(): Command {
  return new Command('restore')
    .description(
      'Restore a backup (FILE and FILE.key) into an empty data folder (TOWER_DATA_DIR) and ' +
        'verify its event log. Refuses a folder that holds anything. With --from-nats, rebuild ' +
        'the folder from the TOWER_EVENTS and TOWER_KEYSTORE streams at TOWER_NATS_URL instead.',
    )
    .argument('[file]', 'the backup file written by `tower backup`')
    .option('--from-nats', 'rebuild from the NATS mirror (TOWER_NATS_URL, TOWER_NATS_CREDS)')
    .option(
      '--key-file <file>',
      'with --from-nats: the master key file (tower.key or FILE.key); or set TOWER_SECRET_KEY',
    )
    .action(runRestore);
}

async function runRestore(file: string | undefined, options: RestoreOptions): Promise<void> {
  const config = loadConfig();
  const logger = createCliLogger(config.logLevel);
  if (options.fromNats) {
    if (file) throw usage('Give either a backup FILE or --from-nats, not both.');
    return restoreMirror(config, logger, options.keyFile);
  }
  if (!file) throw usage('Name the backup FILE to restore, or use --from-nats.');
  if (options.keyFile) throw usage('--key-file goes with --from-nats; a backup has FILE.key.');
  restoreFile(config, logger, file);
}

function restoreFile(config: TowerConfig, logger: Logger, file: string): void {
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
  checkRestored(report, result.tamperedSecrets);
}

async function restoreMirror(config: TowerConfig, logger: Logger, keyFile: string | undefined) {
  if (config.nats.urls.length === 0) {
    throw new TowerError(
      'config_invalid',
      'restore --from-nats reads the streams from TOWER_NATS_URL (with TOWER_NATS_CREDS); set it.',
      { field: 'TOWER_NATS_URL' },
    );
  }
  const nc = await connectForCommand(commandLineEndpoint(config, undefined));
  try {
    const { dataDir, secretKey } = config;
    const result = await restoreFromNats({ nc, dataDir, keyFile, secretKey });
    const { report } = result;
    logger.info(
      { dataDir, events: result.events, secrets: result.secrets, ok: report.ok },
      'data folder restored from NATS',
    );
    process.stdout.write(
      `Restored ${result.events} events and ${result.secrets} keystore entries from NATS into ` +
        `${dataDir}; rebuilt the read models in ${result.replay.seconds.toFixed(1)} s.\n`,
    );
    checkRestored(report, result.tamperedSecrets);
  } finally {
    await nc.close();
  }
}

function checkRestored(report: VerifyReport, tamperedSecrets: readonly string[]): void {
  if (!report.ok) {
    const where = report.firstBadSeq === undefined ? '' : ` at seq ${report.firstBadSeq}`;
    throw new TowerError(
      'log_corrupt',
      `The restored log fails verification${where}: ${report.problem}.`,
    );
  }
  if (tamperedSecrets.length > 0) {
    const list = tamperedSecrets.join(', ');
    throw new TowerError('keystore_tampered', `Keystore entries failed their check: ${list}.`);
  }
  process.stdout.write(
    `Verified: ${report.events} events, head ${report.headHash.slice(0, 16)}….\n`,
  );
}

function usage(message: string): TowerError {
  return new TowerError('invalid_input', message, { field: 'file' });
}
