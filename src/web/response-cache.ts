import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SideTable } from '../store/write-generation.ts';
import { GenerationCache } from './generation-cache.ts';
import { generationOf } from './request-generation.ts';
import type { WebContext } from './web-context.ts';

/**
 * What a kept answer shows, and so which commits make it old: every commit but those of
 * sessions, or of the publisher's installation status too (a check every 10 s per
 * installation, which only the installation pages show).
 */
export type CacheScope = 'read-models' | 'with-status';

const IGNORED: Record<CacheScope, readonly SideTable[]> = {
  'read-models': ['sessions', 'status'],
  'with-status': ['sessions'],
};

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Set on a GET route whose answer is a function of the database, the URL, the requester
     * and the HTMX headers alone (no clock, no live NATS data, no revealed secret): its 200
     * answers are kept until the next commit that could change them.
     */
    cache?: CacheScope;
  }
  interface FastifyRequest {
    /** Where this request's answer is to be kept, when it may be. */
    responseSlot: { scope: CacheScope; generation: string; key: string } | null;
  }
}

export interface CachedResponse {
  /** Encoded once when kept, so that a hit sends the bytes as they are. */
  body: Buffer;
  headers: Record<string, string>;
}

/** The headers a kept answer brings back; the hooks set every other header on each request. */
const KEPT_HEADERS = ['content-type', 'cache-control', 'etag'] as const;

/** An answer's cost in the budget: its bytes, and a little for the key and the headers. */
export const responseSize = (response: CachedResponse) => response.body.length + 256;

/** One cache per scope; the installation pages get a quarter of the budget. */
export function responseCaches(
  budgetBytes: number,
): Record<CacheScope, GenerationCache<CachedResponse>> {
  const withStatus = Math.floor(budgetBytes / 4);
  return {
    'read-models': new GenerationCache(budgetBytes - withStatus, responseSize),
    'with-status': new GenerationCache(withStatus, responseSize),
  };
}

/**
 * Answers a cacheable GET from memory while nothing has been committed since the same
 * requester asked for the same URL. Pages and API lists are pure functions of the read models,
 * and those only change in a commit, so between commits the same request renders the same
 * bytes: the write generation (one statement) proves there was none, from this process or any
 * other. Each answer is kept per session or token, because pages carry the session's CSRF
 * token and show only what the requester may see; authentication still runs first, so a
 * disabled user or an ended session gets no kept answer.
 */
export function registerResponseCache(app: FastifyInstance, web: WebContext): void {
  app.decorateRequest('responseSlot', null);
  if (!web.responses['read-models'].enabled) return;

  app.addHook('preHandler', async (request, reply) => {
    const scope = request.routeOptions.config.cache;
    if (request.method !== 'GET' || !scope || !request.auth) return;
    const key = keyOf(request);
    const generation = generationOf(request, web, IGNORED[scope]);
    const kept = web.responses[scope].get(generation, key);
    if (!kept) {
      request.responseSlot = { scope, generation, key };
      return;
    }
    return reply.headers(kept.headers).send(kept.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const slot = request.responseSlot;
    if (slot && reply.statusCode === 200 && typeof payload === 'string') {
      const body = Buffer.from(payload, 'utf8');
      const kept = { body, headers: keptHeaders(reply) };
      web.responses[slot.scope].set(slot.generation, slot.key, kept);
    }
    return payload;
  });
}

/**
 * Keeps this request's answer out of the cache: for a page that showed live data from NATS
 * this time (an account's usage while its installation is reachable), which no commit
 * announces when it changes.
 */
export function keepOut(request: FastifyRequest): void {
  request.responseSlot = null;
}

/** Who asks, for what, and which part of the page HTMX wants. */
function keyOf(request: FastifyRequest): string {
  const auth = request.auth!;
  const who = auth.session ? `s:${auth.session.idHash}` : `t:${auth.tokenId}`;
  const { headers } = request;
  const htmx = `${headers['hx-request'] ?? ''}|${headers['hx-boosted'] ?? ''}|${headers['hx-target'] ?? ''}`;
  return `${who}\n${request.url}\n${htmx}`;
}

function keptHeaders(reply: FastifyReply): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) kept[name] = String(value);
  }
  return kept;
}
