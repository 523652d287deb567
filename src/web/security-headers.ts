import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Security headers through helmet. The content security policy allows only Tower's own origin
 * for every kind of resource: no inline scripts or styles, no third-party hosts, no framing.
 * (HTMX must run with `htmx.config.includeIndicatorStyles = false`, as it would otherwise add an
 * inline style.) HSTS and upgrade-insecure-requests only when Tower is served over https.
 */
export async function registerSecurityHeaders(app: FastifyInstance, https: boolean): Promise<void> {
  await app.register(helmet, {
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
  });
}
