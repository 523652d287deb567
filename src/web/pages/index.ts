import type { FastifyInstance } from 'fastify';
import { assetRoutes } from './assets.ts';
import { loginPage } from './login-page.ts';

export { renderErrorPage } from './render.ts';

/**
 * The HTML pages: server-rendered Eta views, enhanced by HTMX. Each page module registers the
 * routes of one area; every route needs a signed-in user unless it says `auth: 'optional'`.
 */
export async function pages(app: FastifyInstance): Promise<void> {
  await app.register(assetRoutes);
  await app.register(loginPage);
  app.get('/', async (_request, reply) => reply.redirect('/installations', 303));
}
