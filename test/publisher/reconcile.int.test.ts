import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UNLIMITED } from '../../src/domain/limits.ts';
import { startPublisher, type Publisher } from '../../src/publisher/index.ts';
import { signAccountDeletionJwt } from '../../src/signer/account-deletion-jwt.ts';
import { signAccountJwt } from '../../src/signer/account-jwt.ts';
import { Nkey } from '../../src/signer/nkey.ts';
import type { NatsServer } from '../helpers/nats-server.ts';
import { systemRequest } from '../signer/nats-clients.ts';
import {
  TEST_PUBLISHER_OPTIONS,
  accountJwt,
  eventually,
  run,
  startInstallationServer,
  towerWithInstallation,
  type TowerWithInstallation,
} from './publisher-fixture.ts';

/**
 * Someone changes the server behind Tower's back; reconcile finds it, puts Tower's version
 * back, and reports accounts it does not know without touching them.
 */
describe('reconciling an installation with Tower', () => {
  let fixture: TowerWithInstallation;
  let server: NatsServer;
  let publisher: Publisher;
  /** A separate system connection: the "someone else" that changes the server. */
  let sys: NatsConnection;
  let accountId: string;

  beforeAll(async () => {
    fixture = await towerWithInstallation();
    const { tower, installationId } = fixture;
    server = await startInstallationServer(tower, installationId, { port: fixture.ports[0]! });
    publisher = startPublisher(tower, TEST_PUBLISHER_OPTIONS);
    accountId = await run(tower, 'CreateAccount', { installationId, name: 'orders' });
    await run(tower, 'SetAccountLimits', { accountId, limits: { connections: 5 } });
    await published();
    // The reconcile that follows the first connect is done: from here on, only the tests' run.
    await eventually(() => publisher.status(installationId).reconciledAt, 'the first reconcile');
    sys = await connect({
      servers: server.url,
      authenticator: credsAuthenticator(
        new TextEncoder().encode(tower.jwts.systemUserCreds(installationId)!),
      ),
    });
  });

  afterAll(async () => {
    await sys?.close();
    await publisher?.stop();
    await server?.stop();
    fixture?.tower.destroy();
  });

  const installationKey = (column: 'operator_public_key' | 'operator_signing_key') =>
    fixture.tower.keys.get(
      fixture.tower.db
        .prepare(`SELECT ${column} FROM installations WHERE id = ?`)
        .pluck()
        .get(fixture.installationId) as string,
    );
  const operatorSigningKey = () => installationKey('operator_signing_key');
  const current = () => accountJwt(fixture.tower, accountId);
  const stored = (publicKey: string) =>
    readFile(join(server.paths.jwtDir, `${publicKey}.jwt`), 'utf8').catch(() => undefined);

  function published() {
    return eventually(() => {
      const entry = publisher.status(fixture.installationId).accounts[0];
      return entry?.state === 'published' && entry.seq === current().seq && entry;
    }, 'the current version to be published');
  }

  async function listed(): Promise<string[]> {
    const reply = await sys.request('$SYS.REQ.CLAIMS.LIST', '', { timeout: 2_000 });
    return reply.json<{ data: string[] }>().data;
  }

  it('finds an account deleted on the server and publishes it again', async () => {
    const deletion = signAccountDeletionJwt(
      { accountIds: [current().publicKey], issuedAt: Math.floor(Date.now() / 1000) },
      operatorSigningKey(),
    );
    await systemRequest(sys, '$SYS.REQ.CLAIMS.DELETE', deletion);
    expect(await listed()).not.toContain(current().publicKey);

    const report = await publisher.reconcile(fixture.installationId);

    expect(report).toMatchObject({ missing: [accountId], outdated: [], drift: [] });
    await eventually(async () => (await stored(current().publicKey)) === current().jwt, 'repair');
    expect(await listed()).toContain(current().publicKey);
    await published();
  });

  it('finds an account rolled back to an older JWT and publishes the current one', async () => {
    const oldest = fixture.tower.db
      .prepare(
        `SELECT jwt FROM signed_jwts WHERE kind = 'account' AND subject_id = ?
         ORDER BY seq LIMIT 1`,
      )
      .pluck()
      .get(accountId) as string;
    expect(oldest).not.toBe(current().jwt);
    await systemRequest(sys, '$SYS.REQ.CLAIMS.UPDATE', oldest);
    expect(await stored(current().publicKey)).toBe(oldest);

    const report = await publisher.reconcile(fixture.installationId);

    expect(report).toMatchObject({ missing: [], outdated: [accountId], drift: [] });
    await eventually(async () => (await stored(current().publicKey)) === current().jwt, 'repair');
  });

  it('reports an account Tower does not know as drift and leaves it on the server', async () => {
    const foreign = Nkey.create('account');
    const foreignJwt = signAccountJwt(
      {
        name: 'foreign',
        accountId: foreign.publicKey,
        signingKeys: [],
        limits: UNLIMITED,
        issuedAt: Math.floor(Date.now() / 1000),
      },
      operatorSigningKey(),
    );
    await systemRequest(sys, '$SYS.REQ.CLAIMS.UPDATE', foreignJwt);

    const report = await publisher.reconcile(fixture.installationId);

    expect(report).toMatchObject({ missing: [], outdated: [], drift: [foreign.publicKey] });
    expect(publisher.status(fixture.installationId).drift).toEqual([foreign.publicKey]);
    await new Promise((done) => setTimeout(done, 300));
    expect(await listed()).toContain(foreign.publicKey);
    expect(await stored(foreign.publicKey)).toBe(foreignJwt);
  });

  it('marks a JWT the server refuses as failed with its words, until a newer version', async () => {
    const refused = signAccountJwt(
      {
        name: 'orders',
        accountId: current().publicKey,
        signingKeys: [],
        limits: UNLIMITED,
        issuedAt: Math.floor(Date.now() / 1000),
      },
      installationKey('operator_public_key'),
    );
    fixture.tower.db
      .prepare(`UPDATE outbox SET jwt = ?, state = 'pending' WHERE account_id = ?`)
      .run(refused, accountId);
    publisher.kick(fixture.installationId);

    const failed = await eventually(() => {
      const entry = publisher.status(fixture.installationId).accounts[0];
      return entry?.state === 'failed' && entry;
    }, 'the refusal');
    expect(failed.lastError).toBe(
      'publisher-it-1: jwt update resulted in error - operator requires issuer to be a signing key',
    );

    await run(fixture.tower, 'SetAccountLimits', { accountId, limits: { connections: 6 } });
    await published();
    expect(await stored(current().publicKey)).toBe(current().jwt);
  });
});
