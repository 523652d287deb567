import { resolve } from 'node:path';
import { z } from 'zod';
import { TowerError } from './errors/index.ts';

const envSchema = z.object({
  TOWER_DATA_DIR: z.string().min(1).default('./data'),
  TOWER_SECRET_KEY: z.string().min(1).optional(),
  TOWER_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  TOWER_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  TOWER_ADMIN_EMAIL: z.string().default('admin@tower.local'),
  TOWER_ADMIN_PASSWORD: z.string().optional(),
  TOWER_USER_EMAIL: z.string().default('user@tower.local'),
  TOWER_USER_PASSWORD: z.string().optional(),
  TOWER_HOST: z.string().min(1).default('127.0.0.1'),
  TOWER_PORT: z.coerce.number().int().min(0).max(65_535).default(8090),
  TOWER_PUBLIC_URL: z
    .url({ protocol: /^https?$/u, error: 'must be an http:// or https:// URL' })
    .optional(),
  TOWER_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(60),
  TOWER_SESSION_MAX_HOURS: z.coerce.number().int().min(1).default(12),
  TOWER_RESPONSE_CACHE_MB: z.coerce.number().int().min(0).max(4096).default(32),
  TOWER_WEB_WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  TOWER_NATS_URL: z.string().min(1).optional(),
  TOWER_NATS_CREDS: z.string().min(1).optional(),
  TOWER_NATS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  TOWER_NATS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  TOWER_NATS_SERVER_BIN: z.string().min(1).optional(),
  PATH: z.string().default(''),
});

/** The web server's settings: where it listens, how sessions last, how logins are limited. */
export interface WebConfig {
  host: string;
  port: number;
  /** The address people use, e.g. https://tower.example.com; cookies are Secure when https. */
  publicUrl: string | undefined;
  /** A session unused this long ends. */
  sessionIdleMs: number;
  /** A session ends this long after login, however busy. */
  sessionMaxMs: number;
  /** Login attempts allowed per client address and per email within `windowMs`. */
  loginLimit: { perIp: number; perEmail: number; windowMs: number };
  /** Memory for page and API answers kept until the next commit; 0 turns the cache off. */
  responseCacheBytes: number;
  /**
   * Processes serving the pages and the API. With more than one, `tower serve` runs the
   * publisher and the mirror in a process of their own and starts this many web workers.
   */
  workers: number;
}

/** Where the event mirror publishes: a NATS server Tower starts itself, or one it is given. */
export interface NatsConfig {
  /** TOWER_NATS_URL split at commas; empty means Tower runs its own internal nats-server. */
  urls: string[];
  /** A creds file for `urls`; read at every connect, never logged. */
  credsFile: string | undefined;
  /** The replica count of Tower's streams: 1 on one server, 3 on a cluster. */
  replicas: number;
  /** The internal server's client port on 127.0.0.1; picked by the system when left out. */
  port: number | undefined;
  /** The nats-server binary for the internal server; searched on `path` when left out. */
  serverBin: string | undefined;
  /** The PATH the binary is searched on (then /usr/sbin and /usr/local/sbin). */
  path: string;
}

const MINUTE = 60_000;

export type TowerConfig = {
  dataDir: string;
  secretKey: string | undefined;
  synchronous: 'FULL' | 'NORMAL';
  logLevel: z.infer<typeof envSchema>['TOWER_LOG_LEVEL'];
  firstStart: {
    adminEmail: string;
    adminPassword: string | undefined;
    userEmail: string;
    userPassword: string | undefined;
  };
  web: WebConfig;
  nats: NatsConfig;
};

/** Reads every TOWER_* setting; a bad value stops start-up and names the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): TowerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = issue.path.join('.');
    throw new TowerError('config_invalid', `${name}: ${issue.message}`, { field: name });
  }
  const e = parsed.data;
  return {
    dataDir: resolve(e.TOWER_DATA_DIR),
    secretKey: e.TOWER_SECRET_KEY,
    synchronous: e.TOWER_SYNCHRONOUS,
    logLevel: e.TOWER_LOG_LEVEL,
    firstStart: {
      adminEmail: e.TOWER_ADMIN_EMAIL,
      adminPassword: e.TOWER_ADMIN_PASSWORD,
      userEmail: e.TOWER_USER_EMAIL,
      userPassword: e.TOWER_USER_PASSWORD,
    },
    web: {
      host: e.TOWER_HOST,
      port: e.TOWER_PORT,
      publicUrl: e.TOWER_PUBLIC_URL,
      sessionIdleMs: e.TOWER_SESSION_IDLE_MINUTES * MINUTE,
      sessionMaxMs: e.TOWER_SESSION_MAX_HOURS * 60 * MINUTE,
      loginLimit: { perIp: 30, perEmail: 10, windowMs: 15 * MINUTE },
      responseCacheBytes: e.TOWER_RESPONSE_CACHE_MB * 1024 * 1024,
      workers: e.TOWER_WEB_WORKERS,
    },
    nats: natsConfig(e),
  };
}

function natsConfig(e: z.infer<typeof envSchema>): NatsConfig {
  if (e.TOWER_NATS_CREDS && !e.TOWER_NATS_URL) {
    throw new TowerError(
      'config_invalid',
      'TOWER_NATS_CREDS is set without TOWER_NATS_URL: the internal server needs no creds file.',
      { field: 'TOWER_NATS_CREDS' },
    );
  }
  const urls = (e.TOWER_NATS_URL ?? '').split(',').map((url) => url.trim());
  return {
    urls: urls.filter(Boolean),
    credsFile: e.TOWER_NATS_CREDS && resolve(e.TOWER_NATS_CREDS),
    replicas: e.TOWER_NATS_REPLICAS,
    port: e.TOWER_NATS_PORT,
    serverBin: e.TOWER_NATS_SERVER_BIN && resolve(e.TOWER_NATS_SERVER_BIN),
    path: e.PATH,
  };
}
