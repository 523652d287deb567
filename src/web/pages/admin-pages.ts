import type { FastifyInstance } from 'fastify';
import { adminLimitProfilePages } from './admin-limit-profile-pages.ts';
import { adminTeamPages } from './admin-team-pages.ts';
import { adminUserPages } from './admin-user-pages.ts';

/** The admin area: users, teams and limit profiles. Users are refused (403 or 404). */
export async function adminPages(app: FastifyInstance): Promise<void> {
  await app.register(adminUserPages);
  await app.register(adminTeamPages);
  await app.register(adminLimitProfilePages);
  app.get('/admin', async (_request, reply) => reply.redirect('/admin/users', 303));
}
