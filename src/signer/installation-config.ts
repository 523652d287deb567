import type { Database } from 'better-sqlite3';
import { TowerError } from '../errors/index.ts';
import {
  renderOperatorConf,
  renderServerConfig,
  type ServerConfigOptions,
} from './server-config.ts';
import type { SignedJwts } from './signed-jwts.ts';

export interface InstallationConfig {
  /** `operator.conf`: the operator JWT, the system account and its preloaded JWT. */
  operatorConf: string;
  /** A complete example nats-server configuration that includes operator.conf. */
  serverConf: string;
}

/**
 * The NATS server settings of an installation, as the seed's Key dialog shows them: what every
 * server of the (super)cluster must include before Tower can publish accounts to it.
 */
export function installationConfig(
  db: Database,
  jwts: SignedJwts,
  installationId: string,
  server: Partial<ServerConfigOptions> = {},
): InstallationConfig {
  const installation = db
    .prepare('SELECT name, system_account_public_key AS sys FROM installations WHERE id = ?')
    .get(installationId) as { name: string; sys: string } | undefined;
  const operator = jwts.current('operator', installationId);
  const systemAccount = jwts.current('system-account', installationId);
  if (!installation || !operator || !systemAccount) {
    throw new TowerError('not_found', `No installation with id "${installationId}".`, {
      field: 'installationId',
    });
  }

  const operatorConf = renderOperatorConf({
    operatorJwt: operator.jwt,
    systemAccountId: installation.sys,
    systemAccountJwt: systemAccount.jwt,
  });
  const slug = installation.name.toLowerCase().replace(/[^a-z0-9]+/gu, '-') || 'nats';
  const serverConf = renderServerConfig({
    serverName: `${slug}-1`,
    resolverDir: `/var/lib/nats/${slug}/jwt`,
    jetstreamDir: `/var/lib/nats/${slug}/jetstream`,
    ...server,
  });
  return { operatorConf, serverConf };
}
