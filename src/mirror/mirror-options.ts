import { pino } from 'pino';
import type { NatsConfig } from '../config.ts';
import { DEFAULT_BACKOFF, type BackoffOptions } from '../publisher/backoff.ts';

/** The logger the mirror writes to: Tower's pino logger, or anything with these methods. */
export interface MirrorLogger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** Sizes and waits of the mirror; tests shorten them. */
export interface MirrorTimings {
  /** Events published before their acks are awaited together. */
  batchSize: number;
  /** How long a publish waits for the stream's ack. */
  ackTimeoutMs: number;
  /** How long one connection attempt may take. */
  connectTimeoutMs: number;
  /** The wait between reconnect attempts of an established connection. */
  reconnectWaitMs: number;
}

/** The settings of `startMirror`; only `nats` is required. */
export interface MirrorOptions {
  /** Where to publish: `loadConfig().nats`. */
  nats: NatsConfig;
  logger?: MirrorLogger;
  /** Waits after a failed publish or connect, and between restarts of the internal server. */
  backoff?: Partial<BackoffOptions>;
  timings?: Partial<MirrorTimings>;
}

/** The settings with every default filled in. */
export interface ResolvedMirrorOptions {
  nats: NatsConfig;
  logger: MirrorLogger;
  backoff: BackoffOptions;
  timings: MirrorTimings;
}

/** Batches of 128 pipelined publishes: about 12,000 events a second on one loopback server. */
export const DEFAULT_MIRROR_TIMINGS: MirrorTimings = Object.freeze({
  batchSize: 128,
  ackTimeoutMs: 5_000,
  connectTimeoutMs: 5_000,
  reconnectWaitMs: 500,
});

/** Fills in the defaults; without a logger the mirror logs nothing. */
export function resolveMirrorOptions(options: MirrorOptions): ResolvedMirrorOptions {
  return {
    nats: options.nats,
    logger: options.logger ?? pino({ enabled: false }),
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    timings: { ...DEFAULT_MIRROR_TIMINGS, ...options.timings },
  };
}
