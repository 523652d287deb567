import type { FastifyInstance } from 'fastify';
import { accountPages } from './account-pages.ts';
import { assetRoutes } from './assets.ts';
import { dashboardPages } from './dashboard-pages.ts';
import { installationPages } from './installation-pages.ts';
import { loginPage } from './login-page.ts';
import { natsUserPages } from './nats-user-pages.ts';
import { adminPages } from './admin-pages.ts';
import { auditPages } from './audit-pages.ts';
import { profilePages } from './profile-pages.ts';

export { renderErrorPage } from './render.ts';

/**
 * The HTML pages: server-rendered Eta views, enhanced by HTMX. Each page module registers the
 * routes of one area; every route needs a signed-in user unless it says `auth: 'optional'`.
 */
export async function pages(app: FastifyInstance): Promise<void> {
  await app.register(assetRoutes);
  await app.register(loginPage);
  await app.register(installationPages);
  await app.register(accountPages);
  await app.register(dashboardPages);
  await app.register(natsUserPages);
  await app.register(adminPages);
  await app.register(auditPages);
  await app.register(profilePages);
  app.get('/', async (_request, reply) => reply.redirect('/installations', 303));
}
