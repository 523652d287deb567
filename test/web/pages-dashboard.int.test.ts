import { StorageType, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { startPublisher, type Publisher } from '../../src/publisher/index.ts';
import { buildServer } from '../../src/web/build-server.ts';
import { pages, renderErrorPage } from '../../src/web/pages/index.ts';
import type { NatsServer } from '../helpers/nats-server.ts';
import { TEST_PASSWORD } from '../helpers/temp-tower.ts';
import { sessionCookie, testWebConfig } from '../helpers/web.ts';
import {
  TEST_PUBLISHER_OPTIONS,
  connectAsNatsUser,
  eventually,
  run,
  startInstallationServer,
  towerWithInstallation,
  type TowerWithInstallation,
} from '../publisher/publisher-fixture.ts';

/** The dashboard and account page against a real nats-server started from Tower's settings. */
describe('dashboard of a running installation', () => {
  let fixture: TowerWithInstallation;
  let server: NatsServer;
  let publisher: Publisher;
  let app: FastifyInstance;
  let cookie: string;
  let nc: NatsConnection | undefined;
  let accountId: string;
  let alice: string;

  beforeAll(async () => {
    fixture = await towerWithInstallation();
    server = await startInstallationServer(fixture.tower, fixture.installationId, {
      port: fixture.ports[0]!,
      jetstream: true,
    });
    publisher = startPublisher(fixture.tower, TEST_PUBLISHER_OPTIONS);
    app = await buildServer({
      tower: fixture.tower,
      config: testWebConfig(),
      logger: createLogger({ level: 'silent' }),
      publisher,
      pages,
      renderErrorPage,
    });
    const login = await app.inject({
      method: 'POST',
      url: '/login',
      payload: { email: 'admin@example.test', password: TEST_PASSWORD },
    });
    cookie = sessionCookie(login);

    accountId = await run(fixture.tower, 'CreateAccount', {
      installationId: fixture.installationId,
      name: 'orders',
      limitProfileId: null,
      limits: {
        connections: 10,
        jetstream: { memoryStorage: 1_000_000, diskStorage: 0, streams: 4, consumers: 4 },
      },
    });
    alice = await run(fixture.tower, 'CreateNatsUser', { accountId, name: 'alice' });
    await eventually(
      () =>
        publisher
          .status(fixture.installationId)
          .accounts.some((entry) => entry.accountId === accountId && entry.state === 'published'),
      'the account to be published',
    );
    nc = await connectAsNatsUser(fixture.tower, alice, server.url);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'ORDERS', subjects: ['orders.>'], storage: StorageType.Memory });
    await nc.request('orders.new', 'first').catch(() => undefined);
  }, 30_000);

  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    await app?.close();
    await publisher?.stop();
    await server?.stop();
    fixture?.tower.destroy();
  });

  const get = (url: string) =>
    app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });

  it("shows the servers with their versions and the account's connections against its limit", async () => {
    const response = await get(`/installations/${fixture.installationId}/dashboard`);

    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('id="settings-missing"');
    expect(response.body).toContain('<td>publisher-it-1</td>');
    expect(response.body).toMatch(/<td>2\.\d+\.\d+<\/td>/u);
    expect(response.body).toContain(`href="/accounts/${accountId}"`);
    expect(response.body).toContain('<span>1 / 10</span>');
  });

  it('shows the account usage and its JetStream streams on the account page', async () => {
    const response = await get(`/accounts/${accountId}`);

    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<span>1 / 10</span>');
    expect(response.body).toContain('<td>ORDERS</td>');
    expect(response.body).toContain('orders.&gt;');
    expect(response.body).toContain('badge published');
  });

  it('renders the account page afresh while it shows live usage, which no commit announces', async () => {
    expect((await get(`/accounts/${accountId}`)).body).toContain('<span>1 / 10</span>');
    const second = await connectAsNatsUser(fixture.tower, alice, server.url);
    try {
      // The very next request: a kept page would still say 1 until the next status check.
      expect((await get(`/accounts/${accountId}`)).body).toContain('<span>2 / 10</span>');
    } finally {
      await second.close();
    }
  });
});
