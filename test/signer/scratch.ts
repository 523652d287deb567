import { connect, credsAuthenticator, jwtAuthenticator } from '@nats-io/transport-node';
import { renderServerConfig } from '../../src/signer/claims.ts';
import { startNatsServer } from '../helpers/nats-server.ts';
import { TestInstallation } from './installation-fixture.ts';

const inst = new TestInstallation();
const server = await startNatsServer({
  files: { 'operator.conf': inst.operatorConf() },
  config: (p) => renderServerConfig({ serverName: 'n1', host: '127.0.0.1', port: -1, httpPort: -1, resolverDir: p.jwtDir, jetstreamDir: p.storeDir }),
});
console.log(server.url, server.monitorUrl);
try {
  const sysNc = await connect({ servers: server.url, authenticator: credsAuthenticator(new TextEncoder().encode(inst.sysUser.creds)) });
  const acc = inst.account('orders');
  const r = await sysNc.request(`$SYS.REQ.ACCOUNT.${acc.identity.publicKey}.CLAIMS.UPDATE`, acc.jwt);
  console.log('update', r.string());
  const r2 = await sysNc.request(`$SYS.REQ.CLAIMS.UPDATE`, acc.jwt);
  console.log('update2', r2.string());
  const u = inst.user(acc, 'alice');
  const nc = await connect({ servers: server.url, authenticator: credsAuthenticator(new TextEncoder().encode(u.creds)) });
  console.log('user connected', nc.info?.server_name);
  await nc.close();
  await sysNc.close();
} catch (e) { console.error('ERR', e); }
console.log(server.logs().slice(-3000));
await server.stop();
