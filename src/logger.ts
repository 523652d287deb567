import { pino, type DestinationStream, type Logger } from 'pino';
import type { TowerConfig } from './config.ts';

export type { Logger };

/** Field names that hold a secret wherever they appear in a log object. */
const SECRET_FIELDS = ['password', 'seed', 'token', 'cookie', 'authorization', 'creds'];

/**
 * The redaction paths: each secret field at the top level and up to three levels down, which
 * covers `req.headers.cookie` and `command.input.password` alike. pino paths have no "any
 * depth" wildcard, so the depths are spelled out.
 */
export const REDACTED_PATHS: readonly string[] = SECRET_FIELDS.flatMap((field) => [
  field,
  `*.${field}`,
  `*.*.${field}`,
  `*.*.*.${field}`,
]);

export interface LoggerOptions {
  level: TowerConfig['logLevel'];
  /** Where the JSON lines go; standard output when left out. */
  destination?: DestinationStream;
}

/**
 * The one structured logger of Tower: pino, JSON lines, secrets censored by field name.
 * Log an object first and a constant message second, so lines can be searched by message.
 *
 * @example createLogger({ level: config.logLevel }).info({ dataDir }, 'data folder ready')
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: 'tower',
      level: options.level,
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    options.destination,
  );
}

/**
 * A logger for command-line use: JSON lines on standard error, written synchronously so that
 * nothing is lost when the process exits and nothing mixes into the command's own output.
 */
export function createCliLogger(level: TowerConfig['logLevel']): Logger {
  return createLogger({ level, destination: pino.destination({ fd: 2, sync: true }) });
}
