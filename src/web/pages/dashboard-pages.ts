import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountView } from '../../projections/queries/index.ts';
import type { AccountUsage } from '../../publisher/monitoring.ts';
import { viewerOf } from '../request-auth.ts';
import { visibleStatus } from './installation-pages.ts';
import { renderPage } from './render.ts';
import { fmt, usage, type Usage } from './usage-format.ts';

type Params = { Params: { id: string } };

/** The most accounts one dashboard asks the servers about, by name. */
const DASHBOARD_ACCOUNTS = 100;

/** One account's line of the dashboard: its figures against its limits. */
interface AccountRow {
  account: AccountView;
  live: AccountUsage | null;
  connections: Usage | null;
  memory: Usage | null;
  storage: Usage | null;
  streams: Usage | null;
}

function accountRow(account: AccountView, live: AccountUsage | null): AccountRow {
  const limits = account.effectiveLimits;
  const js = live?.jetstream;
  return {
    account,
    live,
    connections: live ? usage(live.connections, limits.connections) : null,
    memory: live ? usage(js?.memory ?? 0, limits.jetstream.memoryStorage, true) : null,
    storage: live ? usage(js?.storage ?? 0, limits.jetstream.diskStorage, true) : null,
    streams: live ? usage(js?.streams ?? 0, limits.jetstream.streams) : null,
  };
}

/**
 * The dashboard of an installation: its servers and each visible account's usage, asked of
 * the servers through the publisher's connection. The live part reloads itself every 5 s.
 */
export async function dashboardPages(app: FastifyInstance): Promise<void> {
  async function dashboard(request: FastifyRequest<Params>) {
    const viewer = viewerOf(request.auth!);
    const installation = app.web.queries.installations.get(viewer, request.params.id);
    const status = visibleStatus(app, request, installation.id, { accounts: 'waiting', limit: 0 });
    const monitoring = await app.web.monitoring.installation(installation.id);
    const servers = monitoring?.servers ?? [];
    const accounts = app.web.queries.accounts.list(viewer, installation.id, {
      limit: DASHBOARD_ACCOUNTS,
    });
    const usages = await Promise.all(
      accounts.items.map((account) =>
        servers.length > 0
          ? app.web.monitoring.account(installation.id, account.publicKey, servers.length)
          : Promise.resolve(null),
      ),
    );
    return {
      title: `${installation.name} dashboard`,
      section: 'installations' as const,
      installation,
      isAdmin: request.auth!.actor.role === 'admin',
      status,
      live: servers.length > 0,
      servers,
      rows: accounts.items.map((account, index) => accountRow(account, usages[index] ?? null)),
      moreAccounts: accounts.nextCursor !== null,
      checkedAt: new Date(app.web.now()).toISOString(),
      fmt,
    };
  }

  app.get<Params>('/installations/:id/dashboard', async (request, reply: FastifyReply) =>
    renderPage(request, reply, 'dashboard/show', await dashboard(request)),
  );

  app.get<Params>('/installations/:id/dashboard/live', async (request, reply: FastifyReply) =>
    renderPage(request, reply, 'dashboard/live', await dashboard(request)),
  );
}
