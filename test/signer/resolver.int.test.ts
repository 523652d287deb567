import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UNLIMITED } from '../../src/domain/limits.ts';
import { decodeJwt } from '../../src/signer/jwt.ts';
import { signAccountDeletionJwt } from '../../src/signer/account-deletion-jwt.ts';
import { signAccountJwt } from '../../src/signer/account-jwt.ts';
import { renderServerConfig } from '../../src/signer/server-config.ts';
import {
  startNatsCluster,
  startNatsServer,
  type NatsCluster,
  type NatsServer,
  type ServerPaths,
} from '../helpers/nats-server.ts';
import { NOW, TestInstallation } from './installation-fixture.ts';
import { connectAs, pushAccount, systemRequest } from './nats-clients.ts';

function renderFor(serverName: string) {
  return (paths: ServerPaths) =>
    renderServerConfig({
      serverName,
      host: '127.0.0.1',
      port: -1,
      httpPort: null,
      resolverDir: paths.jwtDir,
      jetstreamDir: null,
    });
}

/** How the full resolver of nats-server 2.9 treats the JWTs and requests Tower signs. */
describe('the full resolver', () => {
  const installation = new TestInstallation();
  let server: NatsServer;
  let sys: NatsConnection;

  beforeAll(async () => {
    server = await startNatsServer({
      files: { 'operator.conf': installation.operatorConf() },
      config: renderFor('resolver-it'),
    });
    sys = await connectAs(server.url, installation.sysUser);
  });

  afterAll(async () => {
    await sys?.close();
    await server?.stop();
  });

  const storedJwt = (accountId: string) =>
    readFile(join(server.paths.jwtDir, `${accountId}.jwt`), 'utf8');

  it('refuses an account the operator identity key signed: signing keys rule', async () => {
    const account = installation.account('self-signed');
    const input = {
      name: 'self-signed',
      accountId: account.identity.publicKey,
      signingKeys: [account.signingKey.publicKey],
      limits: UNLIMITED,
      issuedAt: NOW,
    };

    const reply = await systemRequest(
      sys,
      '$SYS.REQ.CLAIMS.UPDATE',
      signAccountJwt(input, installation.operator),
    );
    expect(reply.error?.description).toMatch(/operator requires issuer to be a signing key/);
  });

  it('stores a changed account JWT signed in the same second', async () => {
    const account = installation.account('same-second');
    await pushAccount(sys, account.jwt);
    const changed = installation.accountJwt(account.identity, account.signingKey, {
      name: 'same-second',
      limits: { ...UNLIMITED, connections: 7 },
    });

    await pushAccount(sys, changed);
    expect(await storedJwt(account.identity.publicKey)).toBe(changed);
  });

  it('also stores an older account JWT: ordering updates is up to Tower', async () => {
    const account = installation.account('ordering');
    await pushAccount(sys, account.jwt);
    const older = installation.accountJwt(account.identity, account.signingKey, {
      name: 'ordering-old',
      issuedAt: NOW - 100,
    });

    await pushAccount(sys, older);
    expect(decodeJwt(await storedJwt(account.identity.publicKey)).claims.name).toBe('ordering-old');
  });

  it('deletes an account on a request signed by the operator signing key', async () => {
    const account = installation.account('doomed');
    await pushAccount(sys, account.jwt);
    const user = installation.user(account, 'doomed-user');
    const nc = await connectAs(server.url, user);
    const request = { accountIds: [account.identity.publicKey], issuedAt: NOW };

    const reply = await systemRequest(
      sys,
      '$SYS.REQ.CLAIMS.DELETE',
      signAccountDeletionJwt(request, installation.operatorSigningKey),
    );
    expect(reply.data?.message).toBe('deleted 1 accounts');
    expect(await readdir(server.paths.jwtDir)).toContain(
      `${account.identity.publicKey}.jwt.deleted`,
    );
    await expect(nc.closed()).resolves.toMatchObject({ message: 'Account Authentication Expired' });
    await expect(connectAs(server.url, user)).rejects.toThrow(/Authorization Violation/);
  });

  it('does not trust the identity key for deletion when signing keys are required', async () => {
    const account = installation.account('kept');
    await pushAccount(sys, account.jwt);
    const request = { accountIds: [account.identity.publicKey], issuedAt: NOW };

    const reply = await systemRequest(
      sys,
      '$SYS.REQ.CLAIMS.DELETE',
      signAccountDeletionJwt(request, installation.operator),
    );
    expect(reply.error?.description).toMatch(/not trusted/);
  });

  it('never deletes the system account', async () => {
    const request = { accountIds: [installation.sys.identity.publicKey], issuedAt: NOW };

    const reply = await systemRequest(
      sys,
      '$SYS.REQ.CLAIMS.DELETE',
      signAccountDeletionJwt(request, installation.operatorSigningKey),
    );
    expect(reply.error?.description).toMatch(/not allowed to delete system account/);
  });

  it('keeps pushed accounts across a restart', async () => {
    const account = installation.account('durable');
    await pushAccount(sys, account.jwt);
    await sys.close();

    await server.restart();
    sys = await connectAs(server.url, installation.sysUser);
    const nc = await connectAs(server.url, installation.user(account, 'after-restart'));
    await nc.close();
  });
});

describe('a three-server cluster trusting the operator', () => {
  const installation = new TestInstallation();
  let cluster: NatsCluster;

  beforeAll(async () => {
    cluster = await startNatsCluster(3, {
      files: { 'operator.conf': installation.operatorConf() },
      extraConfig: (paths) =>
        `include "operator.conf"\nresolver: { type: full, dir: ${JSON.stringify(paths.jwtDir)} }`,
    });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('stores an account pushed through one server on every server', async () => {
    const [first, , third] = cluster.servers as [NatsServer, NatsServer, NatsServer];
    const sys = await connectAs(first.url, installation.sysUser);
    const account = installation.account('everywhere');

    const replies = await sys.requestMany('$SYS.REQ.CLAIMS.UPDATE', account.jwt, {
      strategy: 'count',
      maxMessages: 3,
      maxWait: 5_000,
    });
    const servers = new Set<string>();
    for await (const reply of replies)
      servers.add(reply.json<{ server: { name: string } }>().server.name);
    expect(servers.size).toBe(3);

    const nc = await connectAs(third.url, installation.user(account, 'remote'));
    await Promise.all([nc.close(), sys.close()]);
  });
});
