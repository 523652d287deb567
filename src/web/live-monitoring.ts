import type { Logger } from '../logger.ts';
import {
  monitorAccount,
  monitorInstallation,
  type AccountUsage,
  type InstallationMonitoring,
} from '../publisher/monitoring.ts';
import type { Publisher } from '../publisher/index.ts';

/**
 * What the servers of an installation report now, asked over its system account. `tower
 * serve` asks through the publisher's connections; its web workers ask the process that runs
 * the publisher. Either answers null when the installation cannot be asked right now.
 */
export interface LiveMonitoring {
  installation(installationId: string): Promise<InstallationMonitoring | null>;
  account(
    installationId: string,
    accountPublicKey: string,
    expectedServers: number,
  ): Promise<AccountUsage | null>;
}

/** Asks through the publisher's live connection; null without a publisher or a connection. */
export function monitoringThrough(publisher: Publisher | undefined, log: Logger): LiveMonitoring {
  const ask = async <T>(
    installationId: string,
    what: string,
    request: (nc: NonNullable<ReturnType<Publisher['connection']>>) => Promise<T>,
  ): Promise<T | null> => {
    const nc = publisher?.connection(installationId);
    if (!nc) return null;
    try {
      return await request(nc);
    } catch (error) {
      log.warn({ installationId, err: error }, `${what} monitoring request failed`);
      return null;
    }
  };
  return {
    installation: (installationId) =>
      ask(installationId, 'installation', (nc) => monitorInstallation(nc)),
    account: (installationId, accountPublicKey, expectedServers) =>
      ask(installationId, 'account', (nc) => monitorAccount(nc, accountPublicKey, expectedServers)),
  };
}
