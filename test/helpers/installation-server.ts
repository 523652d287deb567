import { freePorts, startNatsServer, type NatsServer } from './nats-server.ts';
import { runCli } from './run-cli.ts';

/**
 * Starts a nats-server for an installation from exactly the settings `tower installation
 * config` prints, moved to 127.0.0.1:`port` and to the server's own temporary folders.
 */
export async function startInstallationServer(
  dataDir: string,
  installationId: string,
  port: number,
): Promise<NatsServer> {
  const config = (only: string) =>
    runCli(dataDir, ['installation', 'config', installationId, '--only', only]);
  const [operatorConf, serverConf] = await Promise.all([config('operator'), config('server')]);
  return startNatsServer({
    files: { 'operator.conf': operatorConf.stdout },
    config: (paths) =>
      serverConf.stdout
        .replace(/^port: 4222$/mu, `host: "127.0.0.1"\nport: ${port}`)
        .replace(/^http_port: 8222$/mu, 'http_port: -1')
        .replace(/dir: "[^"]*jwt"/u, `dir: ${JSON.stringify(paths.jwtDir)}`)
        .replace(/store_dir: "[^"]*"/u, `store_dir: ${JSON.stringify(paths.storeDir)}`),
  });
}

/**
 * Creates an installation through `tower installation create` in an initialized data folder,
 * on a port the system picks, and starts its nats-server from the printed settings.
 */
export async function installationWithServer(
  dataDir: string,
  name: string,
): Promise<{ installationId: string; server: NatsServer }> {
  const [port] = await freePorts(1);
  const url = `nats://127.0.0.1:${port}`;
  const created = await runCli(dataDir, ['installation', 'create', '--name', name, '--url', url]);
  if (created.code !== 0) throw new Error(`tower installation create failed: ${created.stderr}`);
  const installationId = created.stdout.trim();
  return { installationId, server: await startInstallationServer(dataDir, installationId, port!) };
}
