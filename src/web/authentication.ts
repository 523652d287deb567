import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiTokenState, TowerUserState } from '../commands/domain-reader.ts';
import { secretEntry } from '../domain/secret-entries.ts';
import { TowerError } from '../errors/index.ts';
import { parseApiToken, secretMatches } from './api-token-format.ts';
import { isApiRequest } from './error-handler.ts';
import { GenerationCache } from './generation-cache.ts';
import { generationOf } from './request-generation.ts';
import type { RequestAuth } from './request-auth.ts';
import type { WebContext } from './web-context.ts';

const unauthenticated = (message: string) => new TowerError('unauthenticated', message);

/**
 * Works out who sent each request, before its body is read: an API request with
 * `Authorization: Bearer` is that token's user (a bad token is 401 at once, with no fallback to
 * the cookie); anything else is the session cookie's user, or anonymous. The user and the token
 * are read as they stand on every request (kept in memory only until the next commit), so
 * disabling someone ends their sessions and tokens at once.
 * Routes are closed to anonymous requests unless their config says `auth: 'optional'`.
 */
export function registerAuthentication(app: FastifyInstance, web: WebContext): void {
  app.decorateRequest('auth', null);
  const reads: AuthReads = {
    web,
    digests: new TokenDigests(web),
    users: new GenerationCache(MAX_KEPT),
    tokens: new GenerationCache(MAX_KEPT),
  };

  app.addHook('onRequest', async (request) => {
    request.auth =
      isApiRequest(request) && request.headers.authorization !== undefined
        ? tokenAuth(request, request.headers.authorization, reads)
        : sessionAuth(request, reads);

    const required = (request.routeOptions.config.auth ?? 'required') === 'required';
    if (required && !request.auth) {
      throw unauthenticated('Sign in, or send an API token as "Authorization: Bearer <token>".');
    }
  });
}

/** How many users and tokens stay in memory within one write generation. */
const MAX_KEPT = 10_000;

/**
 * The reads authentication makes on every request. Users and tokens are kept only within one
 * write generation: any commit (a user disabled, a token revoked, from this process or the
 * CLI) empties them, so they save a statement per request without keeping anyone signed in.
 */
interface AuthReads {
  web: WebContext;
  digests: TokenDigests;
  users: GenerationCache<TowerUserState | null>;
  tokens: GenerationCache<ApiTokenState | null>;
}

/** Users and tokens show in no side table. */
const AUTH_IGNORES = ['sessions', 'status'] as const;

function activeUser(request: FastifyRequest, reads: AuthReads, userId: string) {
  const generation = generationOf(request, reads.web, AUTH_IGNORES);
  const user = reads.users.getOrCompute(
    generation,
    userId,
    () => reads.web.tower.reader.towerUser(userId) ?? null,
  );
  return user && !user.disabled ? user : undefined;
}

function apiToken(request: FastifyRequest, reads: AuthReads, tokenId: string) {
  const generation = generationOf(request, reads.web, AUTH_IGNORES);
  const token = reads.tokens.getOrCompute(
    generation,
    tokenId,
    () => reads.web.tower.reader.apiToken(tokenId) ?? null,
  );
  return token ?? undefined;
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

function tokenAuth(request: FastifyRequest, header: string, reads: AuthReads): RequestAuth {
  const [scheme, value] = header.split(' ', 2);
  const parsed = scheme?.toLowerCase() === 'bearer' && value ? parseApiToken(value.trim()) : null;
  const token = parsed && apiToken(request, reads, parsed.tokenId);
  const expired = token?.expiresAt && Date.parse(token.expiresAt) <= reads.web.now();
  if (!parsed || !token || token.revoked || expired) {
    throw unauthenticated('The API token is not valid: unknown, revoked or expired.');
  }
  const digest = reads.digests.get(token.id);
  const user = activeUser(request, reads, token.userId);
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

function sessionAuth(request: FastifyRequest, reads: AuthReads): RequestAuth | null {
  const { web } = reads;
  const id = request.cookies[web.cookieName];
  const session = id ? web.sessions.find(id, web.now()) : null;
  if (!session) return null;

  const user = activeUser(request, reads, session.userId);
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
