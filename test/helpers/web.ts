import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Writable } from 'node:stream';
import type { Actor } from '../../src/commands/index.ts';
import type { WebConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { buildServer } from '../../src/web/build-server.ts';
import { pages, renderErrorPage } from '../../src/web/pages/index.ts';
import { formatApiToken, newTokenSecret } from '../../src/web/api-token-format.ts';
import { TEST_PASSWORD, tempTower, type TempTower } from './temp-tower.ts';

/** Web settings for tests: generous login limits unless a test lowers them. */
export function testWebConfig(overrides: Partial<WebConfig> = {}): WebConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    publicUrl: undefined,
    sessionIdleMs: 60 * 60_000,
    sessionMaxMs: 12 * 60 * 60_000,
    loginLimit: { perIp: 1000, perEmail: 1000, windowMs: 15 * 60_000 },
    responseCacheBytes: 32 * 1024 * 1024,
    workers: 1,
    ...overrides,
  };
}

/** How a test request proves who it is: a session (cookie and CSRF token) or a bearer token. */
export type Credentials =
  | { kind: 'anonymous' }
  | { kind: 'session'; cookie: string; csrfToken: string }
  | { kind: 'token'; token: string };

export const ANONYMOUS: Credentials = { kind: 'anonymous' };

/** The headers that carry credentials, with the CSRF token a session's writes need. */
export function authHeaders(credentials: Credentials): Record<string, string> {
  if (credentials.kind === 'session') {
    return { cookie: credentials.cookie, 'x-csrf-token': credentials.csrfToken };
  }
  if (credentials.kind === 'token') return { authorization: `Bearer ${credentials.token}` };
  return {};
}

export interface WebTower {
  tower: TempTower;
  app: FastifyInstance;
  /** The server's clock in ms; tests move it to expire sessions and tokens. */
  clock: { now: number };
  /** Every log line the server wrote, parsed. */
  logLines: Record<string, unknown>[];
  /** Raw log output, to search for secrets. */
  logText(): string;
  /** Signs in through POST /login (JSON) and returns the session's credentials. */
  login(email: string, password?: string): Promise<Credentials & { kind: 'session' }>;
  /** Makes an API token for a user through the command bus, as `tower token create` does. */
  token(actor: Actor, options?: { expiresAt?: string }): Promise<Credentials & { kind: 'token' }>;
  /** `app.inject` with the credentials' headers added. */
  request(credentials: Credentials, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The `name=value` of a response's session cookie. */
export function sessionCookie(response: LightMyRequestResponse): string {
  const header = [response.headers['set-cookie'] ?? []].flat()[0] ?? '';
  return header.split(';')[0]!;
}

/**
 * A Tower in a temporary folder with its web server built (not listening): requests go through
 * `app.inject`. Log lines are captured at debug level.
 */
export async function webTower(config: Partial<WebConfig> = {}): Promise<WebTower> {
  const tower = await tempTower();
  const clock = { now: Date.now() };
  let raw = '';
  const logLines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw += chunk.toString();
      for (const line of chunk.toString().split('\n').filter(Boolean))
        logLines.push(JSON.parse(line));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', destination });
  const app = await buildServer({
    tower,
    config: testWebConfig(config),
    logger,
    now: () => clock.now,
    pages,
    renderErrorPage,
  });

  const fixture: WebTower = {
    tower,
    app,
    clock,
    logLines,
    logText: () => raw,
    login: async (email, password = TEST_PASSWORD) => {
      const response = await app.inject({
        method: 'POST',
        url: '/login',
        payload: { email, password },
      });
      if (response.statusCode !== 200) throw new Error(`login failed: ${response.body}`);
      const { csrfToken } = response.json() as { csrfToken: string };
      return { kind: 'session', cookie: sessionCookie(response), csrfToken };
    },
    token: async (actor, options = {}) => {
      const { secret, digest } = newTokenSecret();
      const input = { name: 'test', expiresAt: options.expiresAt ?? null, secretDigest: digest };
      const result = await tower.bus.execute('CreateApiToken', input, actor);
      return { kind: 'token', token: formatApiToken(result.id!, secret) };
    },
    request: (credentials, options) =>
      app.inject({ ...options, headers: { ...authHeaders(credentials), ...options.headers } }),
    close: async () => {
      await app.close();
      tower.destroy();
    },
  };
  return fixture;
}
