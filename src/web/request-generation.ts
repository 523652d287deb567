import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GenerationCounts, SideTable } from '../store/write-generation.ts';
import type { WebContext } from './web-context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The write generation's counters when this request first asked; null until then. */
    writeCounts: GenerationCounts | null;
  }
}

/** Gives every request its own memory of the write generation. */
export function registerRequestGeneration(app: FastifyInstance): void {
  app.decorateRequest('writeCounts', null);
}

/**
 * The write generation as this request first read it (one read per request however many
 * caches ask), leaving out the side tables named. Whatever the request reads afterwards is at
 * least as new, so a value it stores under this generation is never older than it says.
 */
export function generationOf(
  request: FastifyRequest,
  web: WebContext,
  ignoring: readonly SideTable[],
): string {
  request.writeCounts ??= web.generation.read();
  return web.generation.token(request.writeCounts, ignoring);
}
