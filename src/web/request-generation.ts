import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebContext } from './web-context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The database's write generation when this request first asked; '' until then. */
    writeGeneration: string;
  }
}

/** Gives every request its own memory of the write generation. */
export function registerRequestGeneration(app: FastifyInstance): void {
  app.decorateRequest('writeGeneration', '');
}

/**
 * The write generation as this request first read it: one statement per request however many
 * caches ask. Whatever the request reads afterwards is at least as new, so a value it stores
 * under this generation is never older than the generation says.
 */
export function generationOf(request: FastifyRequest, web: WebContext): string {
  if (!request.writeGeneration) request.writeGeneration = web.generation();
  return request.writeGeneration;
}
