import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers through helmet. The content security policy allows only Tower's own origin
 * for every kind of resource: no inline scripts or styles, no third-party hosts, no framing.
 * (HTMX must run with `htmx.config.includeIndicatorStyles = false`, as it would otherwise add an
 * inline style.) HSTS and upgrade-insecure-requests only when Tower is served over https.
 */
export function registerSecurityHeaders(app: FastifyInstance, https: boolean): void {
  const headers = helmetHeaders(helmetOptions(https));
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}

function helmetOptions(https: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    frameguard: { action: 'deny' },
    // helmet's default, no-referrer, makes browsers send `Origin: null` with same-origin form
    // posts, which the CSRF origin check must refuse; same-origin keeps the real origin.
    referrerPolicy: { policy: 'same-origin' },
    strictTransportSecurity: https ? { maxAge: 31_536_000 } : false,
    crossOriginEmbedderPolicy: false,
  };
}

/**
 * The headers helmet sets, taken once from a stand-in response: they depend on the options
 * alone (no nonces), and building helmet's middleware per request, as its Fastify plugin does,
 * parsed the policy again on every request.
 */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
    // helmet removes X-Powered-By, which Node and Fastify never send.
    removeHeader() {},
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error) => {
    if (error) throw error;
  });
  return headers;
}
