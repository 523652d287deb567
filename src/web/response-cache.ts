import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GenerationCache } from './generation-cache.ts';
import { generationOf } from './request-generation.ts';
import type { WebContext } from './web-context.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * True on a GET route whose answer is a function of the database, the URL, the requester
     * and the HTMX headers alone (no clock, no live NATS data, no revealed secret): its 200
     * answers are kept until the next commit.
     */
    cache?: boolean;
  }
  interface FastifyRequest {
    /** Where this request's answer is to be kept, when it may be. */
    responseSlot: { generation: string; key: string } | null;
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

export function responseCache(budgetBytes: number): GenerationCache<CachedResponse> {
  return new GenerationCache<CachedResponse>(budgetBytes, responseSize);
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
  if (!web.responses.enabled) return;

  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'GET' || !request.routeOptions.config.cache || !request.auth) return;
    const key = keyOf(request);
    const generation = generationOf(request, web);
    const kept = web.responses.get(generation, key);
    if (!kept) {
      request.responseSlot = { generation, key };
      return;
    }
    return reply.headers(kept.headers).send(kept.body);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const slot = request.responseSlot;
    if (slot && reply.statusCode === 200 && typeof payload === 'string') {
      const body = Buffer.from(payload, 'utf8');
      web.responses.set(slot.generation, slot.key, { body, headers: keptHeaders(reply) });
    }
    return payload;
  });
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
