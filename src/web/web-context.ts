import type { Tower } from '../app/open-tower.ts';
import type { WebConfig } from '../config.ts';
import type { Queries } from '../projections/queries/index.ts';
import type { Publisher } from '../publisher/index.ts';
import type { WriteGeneration } from '../store/write-generation.ts';
import type { GenerationCache } from './generation-cache.ts';
import type { LiveMonitoring } from './live-monitoring.ts';
import type { LoginGuard } from './login-limiter.ts';
import type { CachedResponse, CacheScope } from './response-cache.ts';
import type { SessionStore } from './session-store.ts';

/**
 * What the server's parts share, made once by `buildServer` and decorated onto the app as
 * `app.web`, so that a route file (the pages' too) reaches the Tower, the queries and the
 * sessions without importing the factory.
 */
export interface WebContext {
  tower: Tower;
  config: WebConfig;
  queries: Queries;
  sessions: SessionStore;
  loginLimiter: LoginGuard;
  /** The publisher, when this process runs it; installation status is read from the database. */
  publisher: Publisher | undefined;
  /** Live statistics of the installations' servers. */
  monitoring: LiveMonitoring;
  /** True when TOWER_PUBLIC_URL is https: cookies are Secure, HSTS is on. */
  https: boolean;
  cookieName: string;
  /** Milliseconds since the epoch; tests move it. */
  now(): number;
  /** The database's write generation (src/store/write-generation.ts). */
  generation: WriteGeneration;
  /** Answers of cacheable GET routes, kept until the next commit, by what they show. */
  responses: Record<CacheScope, GenerationCache<CachedResponse>>;
}

declare module 'fastify' {
  interface FastifyInstance {
    web: WebContext;
  }
}
