import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TowerError } from '../../errors/index.ts';
import type {
  AccountView,
  InstallationView,
  NatsUserView,
} from '../../projections/queries/index.ts';
import { natsContext } from '../../signer/nats-context.ts';
import { credsFileName } from '../api/nats-user-routes.ts';
import { viewerFor } from './form-actions.ts';

/** The nats CLI context of a NATS user; the creds path is a placeholder to fill in. */
function contextText(
  natsUser: NatsUserView,
  account: AccountView,
  installation: InstallationView,
): string {
  const context = natsContext({
    description: `${natsUser.name} in ${account.name} on ${installation.name}`,
    urls: installation.urls,
    credsPath: `/path/to/${credsFileName(natsUser.name)}`,
  });
  return `${JSON.stringify(context, null, 2)}\n`;
}

/** The NATS user with its account and installation, or not_found when hidden. */
function visible(request: FastifyRequest<{ Params: { id: string } }>) {
  const { queries } = request.server.web;
  const viewer = viewerFor(request);
  const natsUser = queries.natsUsers.get(viewer, request.params.id);
  const account = queries.accounts.get(viewer, natsUser.accountId);
  const installation = queries.installations.get(viewer, account.installationId);
  return { natsUser, account, installation };
}

/**
 * Downloads of a NATS user's credentials: the `.creds` file (JWT and seed: a secret, never
 * cached) and the CLI context that points at it. Both are 404 to anyone who cannot see the
 * account.
 */
async function routes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { id: string } }>('/nats-users/:id/creds', async (request, reply) => {
    const { natsUser } = visible(request);
    const creds = app.web.tower.jwts.natsUserCreds(natsUser.id);
    if (!creds) throw new TowerError('not_found', `No creds for NATS user "${natsUser.id}".`);
    request.log.info({ natsUserId: natsUser.id }, 'creds downloaded');
    return reply
      .type('text/plain; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${credsFileName(natsUser.name)}"`)
      .send(creds);
  });

  app.get<{ Params: { id: string } }>('/nats-users/:id/context.json', async (request, reply) => {
    const { natsUser, account, installation } = visible(request);
    const name = credsFileName(natsUser.name).replace(/\.creds$/u, '.json');
    return reply
      .type('application/json; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(contextText(natsUser, account, installation));
  });
}

export const natsUserCredentials = { routes, contextText };
