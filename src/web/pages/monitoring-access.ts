import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import {
  monitorAccount,
  monitorInstallation,
  type AccountUsage,
  type InstallationMonitoring,
} from '../../publisher/monitoring.ts';

/** The publisher's live connection to the installation, if there is a publisher and it is up. */
export function liveConnection(
  app: FastifyInstance,
  installationId: string,
): NatsConnection | undefined {
  return app.web.publisher?.connection(installationId);
}

/** The servers' statistics, or null when the installation cannot be asked right now. */
export async function installationMonitoring(
  app: FastifyInstance,
  installationId: string,
): Promise<InstallationMonitoring | null> {
  const nc = liveConnection(app, installationId);
  if (!nc) return null;
  try {
    return await monitorInstallation(nc);
  } catch (error) {
    app.log.warn({ installationId, err: error }, 'monitoring request failed');
    return null;
  }
}

/** What the account uses now, or null when its installation cannot be asked. */
export async function accountUsage(
  app: FastifyInstance,
  installationId: string,
  accountPublicKey: string,
  expectedServers: number,
): Promise<AccountUsage | null> {
  const nc = liveConnection(app, installationId);
  if (!nc) return null;
  try {
    return await monitorAccount(nc, accountPublicKey, expectedServers);
  } catch (error) {
    app.log.warn({ installationId, err: error }, 'account monitoring request failed');
    return null;
  }
}
