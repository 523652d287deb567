import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installationConfig } from '../../src/signer/installation-config.ts';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

describe('the installation settings Tower prints', () => {
  let tower: TempTower;
  let server: NatsServer;
  let installationId: string;

  beforeAll(async () => {
    tower = await tempTower();
    const created = await tower.bus.execute(
      'CreateInstallation',
      { name: 'Stage Cluster', urls: ['nats://127.0.0.1:4222'] },
      tower.admin,
    );
    installationId = created.id!;
    const config = installationConfig(tower.db, tower.jwts, installationId);
    server = await startNatsServer({
      files: { 'operator.conf': config.operatorConf },
      // Only the listen ports and folders differ from the printed text, so tests can run side
      // by side; every other line is exactly what an admin copies.
      config: (paths) =>
        installationConfig(tower.db, tower.jwts, installationId, {
          host: '127.0.0.1',
          port: -1,
          httpPort: -1,
          resolverDir: paths.jwtDir,
          jetstreamDir: paths.storeDir,
        }).serverConf,
    });
  });

  afterAll(async () => {
    await server?.stop();
    tower?.destroy();
  });

  it('holds the operator JWT, the system account and its preloaded JWT', () => {
    const { operatorConf, serverConf } = installationConfig(tower.db, tower.jwts, installationId);
    const sys = tower.reader.installation(installationId);
    expect(sys).toBeDefined();
    expect(operatorConf).toMatch(/^operator = eyJ/mu);
    expect(operatorConf).toContain(`system_account = `);
    expect(operatorConf).toMatch(/resolver_preload = \{\n {2}A[A-Z2-7]{55}: eyJ/u);
    expect(serverConf).toContain('include "operator.conf"');
    expect(serverConf).toMatch(/type: full/u);
    expect(serverConf).toMatch(/allow_delete: true/u);
    expect(serverConf).not.toMatch(/^\s*limit:/mu);
    expect(serverConf).toMatch(/^# cluster: \{/mu);
    expect(serverConf).toMatch(/^# gateway: \{/mu);
  });

  it('starts a nats-server that trusts the operator and lets Tower in as its system user', async () => {
    const creds = tower.jwts.systemUserCreds(installationId)!;
    const nc = await connect({
      servers: server.url,
      authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
    });
    try {
      const pong = await nc.request('$SYS.REQ.SERVER.PING', '', { timeout: 2_000 });
      expect(pong.json<{ server: { name: string } }>().server.name).toBe('stage-cluster-1');
    } finally {
      await nc.close();
    }
  });

  it('answers not_found for an unknown installation', () => {
    expect(() => installationConfig(tower.db, tower.jwts, 'nope')).toThrow(/No installation/u);
  });
});
