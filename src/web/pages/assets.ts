import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);
const own = (name: string) => readFileSync(new URL(`../assets/${name}`, import.meta.url));

/** Served from the installed packages and this folder: Tower works offline, no CDN. */
const ASSETS: Record<string, { type: string; body: Buffer }> = {
  'htmx.min.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(require.resolve('htmx.org/dist/htmx.min.js')),
  },
  'tower.js': { type: 'text/javascript; charset=utf-8', body: own('tower.js') },
  'tower.css': { type: 'text/css; charset=utf-8', body: own('tower.css') },
};

export async function assetRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { name: string } }>(
    '/assets/:name',
    { config: { auth: 'optional' } },
    async (request, reply) => {
      const asset = ASSETS[request.params.name];
      if (!asset) return reply.callNotFound();
      return reply
        .type(asset.type)
        .header('cache-control', 'public, max-age=3600')
        .send(asset.body);
    },
  );
}
