import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TowerUserState } from '../commands/domain-reader.ts';
import { secretEntry } from '../domain/secret-entries.ts';
import { TowerError } from '../errors/index.ts';
import { parseApiToken, secretMatches } from './api-token-format.ts';
import { isApiRequest } from './error-handler.ts';
import type { RequestAuth } from './request-auth.ts';
import type { WebContext } from './web-context.ts';

const unauthenticated = (message: string) => new TowerError('unauthenticated', message);

/**
 * Works out who sent each request, before its body is read: an API request with
 * `Authorization: Bearer` is that token's user (a bad token is 401 at once, with no fallback to
 * the cookie); anything else is the session cookie's user, or anonymous. The user is read
 * afresh on every request, so disabling someone ends their sessions and tokens at once.
 * Routes are closed to anonymous requests unless their config says `auth: 'optional'`.
 */
export function registerAuthentication(app: FastifyInstance, web: WebContext): void {
  app.decorateRequest('auth', null);
  const digests = new TokenDigests(web);

  app.addHook('onRequest', async (request) => {
    request.auth =
      isApiRequest(request) && request.headers.authorization !== undefined
        ? tokenAuth(request.headers.authorization, web, digests)
        : sessionAuth(request, web);

    const required = (request.routeOptions.config.auth ?? 'required') === 'required';
    if (required && !request.auth) {
      throw unauthenticated('Sign in, or send an API token as "Authorization: Bearer <token>".');
    }
  });
}

function activeUser(web: WebContext, userId: string): TowerUserState | undefined {
  const user = web.tower.reader.towerUser(userId);
  return user && !user.disabled ? user : undefined;
}

/** How many token digests stay in memory; past it the memory starts over. */
const MAX_DIGESTS = 10_000;

/**
 * Token digests by token id, opened from the keystore once: decrypting one on every request
 * cost as much as the rest of the token check. A token's digest never changes, and revocation
 * and expiry are still read from its row on every request: a remembered digest keeps no token
 * alive.
 */
class TokenDigests {
  readonly #web: WebContext;
  readonly #digests = new Map<string, string>();

  constructor(web: WebContext) {
    this.#web = web;
  }

  get(tokenId: string): string | undefined {
    let digest = this.#digests.get(tokenId);
    if (digest === undefined) {
      digest = this.#web.tower.keystore.get(secretEntry.token(tokenId));
      if (digest === undefined) return undefined;
      if (this.#digests.size >= MAX_DIGESTS) this.#digests.clear();
      this.#digests.set(tokenId, digest);
    }
    return digest;
  }
}

function tokenAuth(header: string, web: WebContext, digests: TokenDigests): RequestAuth {
  const [scheme, value] = header.split(' ', 2);
  const parsed = scheme?.toLowerCase() === 'bearer' && value ? parseApiToken(value.trim()) : null;
  const token = parsed && web.tower.reader.apiToken(parsed.tokenId);
  const expired = token?.expiresAt && Date.parse(token.expiresAt) <= web.now();
  if (!parsed || !token || token.revoked || expired) {
    throw unauthenticated('The API token is not valid: unknown, revoked or expired.');
  }
  const digest = digests.get(token.id);
  const user = activeUser(web, token.userId);
  if (!secretMatches(parsed.secret, digest) || !user) {
    throw unauthenticated('The API token is not valid: unknown, revoked or expired.');
  }
  return {
    actor: { userId: user.id, role: user.role },
    user,
    method: 'token',
    session: null,
    tokenId: token.id,
  };
}

function sessionAuth(request: FastifyRequest, web: WebContext): RequestAuth | null {
  const id = request.cookies[web.cookieName];
  const session = id ? web.sessions.find(id, web.now()) : null;
  if (!session) return null;

  const user = activeUser(web, session.userId);
  if (!user) {
    web.sessions.end(session.idHash);
    return null;
  }
  return {
    actor: { userId: user.id, role: user.role },
    user,
    method: 'session',
    session,
    tokenId: null,
  };
}
