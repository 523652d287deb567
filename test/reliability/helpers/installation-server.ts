import BetterSqlite3 from 'better-sqlite3';
import { renderServerConfig } from '../../../src/signer/server-config.ts';
import { startNatsServer, type NatsServer } from '../../helpers/nats-server.ts';
import type { ApiClient } from './api-client.ts';

/**
 * Starts a nats-server for an installation of a running Tower: `operator.conf` exactly as the
 * API serves it to admins, the server config from Tower's renderer with the test's port and
 * folders, so the server trusts what Tower signs and nothing else.
 */
export async function startServerForInstallation(
  api: ApiClient,
  installationId: string,
  options: { port: number; serverName?: string; cluster?: { port: number; routes: string[] } },
): Promise<NatsServer> {
  const operatorConf = await api.ok<string>({
    method: 'GET',
    path: `/installations/${installationId}/operator.conf`,
  });
  return startNatsServer({
    files: { 'operator.conf': operatorConf },
    config: (paths) =>
      renderServerConfig({
        serverName: options.serverName ?? 'reliability-1',
        host: '127.0.0.1',
        port: options.port,
        httpPort: -1,
        resolverDir: paths.jwtDir,
        jetstreamDir: null,
        ...(options.cluster
          ? { cluster: { name: 'reliability', host: '127.0.0.1', ...options.cluster } }
          : {}),
      }),
  });
}

/**
 * Tower's newest JWT of each account of an installation, read from its signer table; with
 * `all`, every version it signed.
 */
export function currentAccountJwts(
  dbFile: string,
  installationId: string,
  options: { all?: boolean } = {},
): Map<string, { publicKey: string; jwt: string; seq: number }> {
  const db = new BetterSqlite3(dbFile, { readonly: true });
  try {
    const newest = `AND seq = (SELECT max(seq) FROM signed_jwts
                      WHERE kind = 'account' AND subject_id = s.subject_id)`;
    const rows = db
      .prepare(
        `SELECT subject_id AS id, public_key AS publicKey, jwt, seq FROM signed_jwts AS s
         WHERE kind = 'account' AND installation_id = ? ${options.all ? '' : newest}`,
      )
      .all(installationId) as { id: string; publicKey: string; jwt: string; seq: number }[];
    // With `all`, keyed by the JWT's seq too, so every version has an entry.
    return new Map(rows.map((row) => [options.all ? `${row.id}@${row.seq}` : row.id, row]));
  } finally {
    db.close();
  }
}
