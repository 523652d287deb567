import type { FastifyInstance } from 'fastify';
import type { AccountUsage, InstallationMonitoring } from '../../publisher/monitoring.ts';

/** The servers' statistics, or null when the installation cannot be asked right now. */
export function installationMonitoring(
  app: FastifyInstance,
  installationId: string,
): Promise<InstallationMonitoring | null> {
  return app.web.monitoring.installation(installationId);
}

/** What the account uses now, or null when its installation cannot be asked. */
export function accountUsage(
  app: FastifyInstance,
  installationId: string,
  accountPublicKey: string,
  expectedServers: number,
): Promise<AccountUsage | null> {
  return app.web.monitoring.account(installationId, accountPublicKey, expectedServers);
}
