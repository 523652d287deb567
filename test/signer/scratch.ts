import { connect, credsAuthenticator } from '@nats-io/transport-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderServerConfig, signAccountDeletionJwt, signJwt, decodeJwt, renderOperatorConf } from '../../src/signer/claims.ts';
import { startNatsServer } from '../helpers/nats-server.ts';
import { TestInstallation, NOW } from './installation-fixture.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const inst = new TestInstallation({ strictSigningKeys: false });
const server = await startNatsServer({
  files: { 'operator.conf': inst.operatorConf() },
  config: (p) => renderServerConfig({ serverName: 'n1', host: '127.0.0.1', port: -1, httpPort: -1, resolverDir: p.jwtDir, jetstreamDir: p.storeDir }),
});
const sysNc = await connect({ servers: server.url, authenticator: credsAuthenticator(enc(inst.sysUser.creds)) });
const push = async (jwt: string) => (await sysNc.request('$SYS.REQ.CLAIMS.UPDATE', jwt)).string();
try {
  const acc = inst.account('orders');
  await push(acc.jwt);
  const older = inst.accountJwt(acc.identity, acc.signingKey, { name: 'orders-old', issuedAt: NOW - 100 });
  console.log(await push(older));
  const stored = await readFile(join(server.paths.jwtDir, acc.identity.publicKey + '.jwt'), 'utf8');
  console.log('stored name', decodeJwt(stored).claims.name);
  const delI = signAccountDeletionJwt({ accountIds: [acc.identity.publicKey], issuedAt: NOW }, inst.operatorSigningKey);
  console.log('delete by signing key non-strict', (await sysNc.request('$SYS.REQ.CLAIMS.DELETE', delI)).string());
  const varz = await (await fetch(server.monitorUrl + '/varz')).json();
  console.log('varz system_account', varz.system_account);
  await sysNc.close();
} catch (e) { console.error('ERR', e); }
await server.stop();

// operator JWT with a ws:// service URL
const bad = signJwt({ type: 'operator', subject: inst.operator.publicKey, name: 'bad', issuedAt: NOW, nats: { signing_keys: [inst.operatorSigningKey.publicKey], operator_service_urls: ['ws://127.0.0.1:80', 'nats://h:1/path'], system_account: inst.sys.identity.publicKey } }, inst.operator);
try {
  const s2 = await startNatsServer({
    files: { 'operator.conf': renderOperatorConf({ operatorJwt: bad, systemAccountId: inst.sys.identity.publicKey, systemAccountJwt: inst.sys.jwt }) },
    config: (p) => renderServerConfig({ serverName: 'n2', host: '127.0.0.1', port: -1, httpPort: null, resolverDir: p.jwtDir, jetstreamDir: null }),
  });
  console.log('bad url operator: started');
  await s2.stop();
} catch (e: any) { console.log('bad url operator:', e.message.slice(0, 600)); }
