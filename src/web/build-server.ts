import cookie from '@fastify/cookie';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
} from 'fastify';
import type { Tower } from '../app/open-tower.ts';
import type { WebConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createQueries } from '../projections/queries/index.ts';
import { writeGenerationOf } from '../store/write-generation.ts';
import type { Publisher } from '../publisher/index.ts';
import { registerApi } from './api/api-plugin.ts';
import { registerAuthentication } from './authentication.ts';
import { BODY_LIMIT_BYTES, registerBodyParsing } from './body-parsing.ts';
import { registerCsrfProtection } from './csrf.ts';
import { plainErrorPage, registerErrorHandling, type ErrorPageRenderer } from './error-handler.ts';
import { monitoringThrough, type LiveMonitoring } from './live-monitoring.ts';
import { LoginLimiter, type LoginGuard } from './login-limiter.ts';
import { registerHealthRoute } from './health-route.ts';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem.ts';
import { registerLoginRoutes } from './login-routes.ts';
import { placeholderPages } from './placeholder-pages.ts';
import { registerRequestGeneration } from './request-generation.ts';
import { registerRequestLogging } from './request-logging.ts';
import { registerResponseCache, responseCaches } from './response-cache.ts';
import { registerSecurityHeaders } from './security-headers.ts';
import { sessionCookieName } from './session-cookie.ts';
import { SessionStore } from './session-store.ts';
import type { WebContext } from './web-context.ts';

export interface BuildServerOptions {
  tower: Tower;
  config: WebConfig;
  logger: Logger;
  /** The running publisher, for live installation status; the database is read without it. */
  publisher?: Publisher | undefined;
  /** Live server statistics; asked through `publisher` when left out. */
  monitoring?: LiveMonitoring | undefined;
  /** The login limits; a LoginLimiter of `config.loginLimit` of its own when left out. */
  loginGuard?: LoginGuard | undefined;
  /** The HTML pages (Eta/HTMX); a placeholder `GET /` and `GET /login` until they exist. */
  pages?: FastifyPluginAsync;
  /** Renders an error as a page for browsers; a bare page until the pages bring their own. */
  renderErrorPage?: ErrorPageRenderer;
  /** Milliseconds since the epoch, for session and token expiry; tests move it. */
  now?: () => number;
}

/**
 * Builds Tower's web server without starting it: security headers, body parsing with limits,
 * cookies, authentication (session or API token), CSRF protection, answers kept until the next
 * commit, one log line per request,
 * problem+json errors, login and logout, the JSON API under /api/v1 and the pages.
 *
 * @example
 * const app = await buildServer({ tower, config: config.web, logger, publisher });
 * await app.listen({ host: config.web.host, port: config.web.port });
 */
export async function buildServer(options: BuildServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    // Fastify's own two lines per request give way to the one line of request-logging.ts.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: false,
    // Errors Fastify's router raises itself (an over-long path parameter, a malformed URL)
    // get the same problem+json as every other refusal.
    frameworkErrors: (error, _request, reply) => {
      const problem = toProblem(error);
      const raw = reply as unknown as FastifyReply;
      void raw.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
    },
  }) as unknown as FastifyInstance;

  const web = webContext(options);
  app.decorate('web', web);

  registerErrorHandling(app, options.renderErrorPage ?? plainErrorPage);
  registerRequestLogging(app);
  registerSecurityHeaders(app, web.https);
  await registerBodyParsing(app);
  await app.register(cookie);
  registerRequestGeneration(app);
  registerAuthentication(app, web);
  registerCsrfProtection(app, web);
  registerResponseCache(app, web);

  registerHealthRoute(app);
  registerLoginRoutes(app, web);
  registerApi(app, web);
  await app.register(options.pages ?? placeholderPages);
  return app;
}

function webContext(options: BuildServerOptions): WebContext {
  const { tower, config } = options;
  const https = config.publicUrl?.startsWith('https:') ?? false;
  return {
    tower,
    config,
    queries: createQueries(tower.db),
    sessions: new SessionStore(tower.db, {
      idleMs: config.sessionIdleMs,
      maxMs: config.sessionMaxMs,
    }),
    loginLimiter: options.loginGuard ?? new LoginLimiter(config.loginLimit),
    publisher: options.publisher,
    monitoring: options.monitoring ?? monitoringThrough(options.publisher, options.logger),
    https,
    cookieName: sessionCookieName(https),
    now: options.now ?? Date.now,
    generation: writeGenerationOf(tower.db),
    responses: responseCaches(config.responseCacheBytes),
  };
}
