import { pino } from 'pino';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';

/** The logger the publisher writes to: Tower's pino logger, or anything with these methods. */
export interface PublisherLogger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** Waits and limits of the publisher; tests shorten them. */
export interface PublisherTimings {
  /** How long a CLAIMS request waits for the first server's reply. */
  requestTimeoutMs: number;
  /** Once replies flow, how long to wait for one more server. */
  stallMs: number;
  /** How long a CLAIMS.LOOKUP waits: servers that lack the account do not answer at all. */
  lookupTimeoutMs: number;
  /** How long one connection attempt may take. */
  connectTimeoutMs: number;
  /** The wait between reconnect attempts of an established link. */
  reconnectWaitMs: number;
  /** How often the servers are pinged for the status and for servers that came back. */
  statusIntervalMs: number;
}

export interface PublisherOptions {
  logger?: PublisherLogger;
  /** Retry waits of failed publications and of first-connect attempts. */
  backoff?: Partial<BackoffOptions>;
  timings?: Partial<PublisherTimings>;
}

export interface ResolvedOptions {
  logger: PublisherLogger;
  backoff: BackoffOptions;
  timings: PublisherTimings;
}

export const DEFAULT_TIMINGS: PublisherTimings = Object.freeze({
  requestTimeoutMs: 5_000,
  stallMs: 250,
  lookupTimeoutMs: 500,
  connectTimeoutMs: 5_000,
  reconnectWaitMs: 1_000,
  statusIntervalMs: 10_000,
});

/** Fills in the defaults; without a logger the publisher logs nothing. */
export function resolveOptions(options: PublisherOptions = {}): ResolvedOptions {
  return {
    logger: options.logger ?? pino({ enabled: false }),
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    timings: { ...DEFAULT_TIMINGS, ...options.timings },
  };
}
