import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { OutboxStore } from '../../src/publisher/outbox-store.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

/** The outbox as the publisher changes it: every outcome is a compare-and-set on the seq sent. */
describe('the outbox store', () => {
  let tower: TempTower;
  let store: OutboxStore;
  let installationId: string;
  let accountId: string;

  beforeEach(async () => {
    tower = await tempTower();
    store = new OutboxStore(tower.db);
    const installation = await tower.bus.execute(
      'CreateInstallation',
      { name: 'outbox', urls: ['nats://127.0.0.1:4222'] },
      tower.admin,
    );
    installationId = installation.id!;
    const account = await tower.bus.execute(
      'CreateAccount',
      { installationId, name: 'orders' },
      tower.admin,
    );
    accountId = account.id!;
  });

  afterEach(() => tower.destroy());

  const now = () => new Date().toISOString();
  const setLimits = (connections: number) =>
    tower.bus.execute('SetAccountLimits', { accountId, limits: { connections } }, tower.admin);

  it('marks the sent version published with the servers that acknowledged it', () => {
    const sent = store.nextDue(installationId, now())!;

    expect(store.markPublished(sent, ['n2', 'n1'], now())).toBe(true);
    expect(store.entry(installationId, sent.accountPublicKey)).toMatchObject({
      state: 'published',
      publishedJwt: sent.jwt,
      ackedServers: ['n1', 'n2'],
    });
    expect(store.nextDue(installationId, now())).toBeUndefined();
  });

  it('drops the outcome of a send when a newer version arrived meanwhile', async () => {
    const sent = store.nextDue(installationId, now())!;
    await setLimits(7);

    expect(store.markPublished(sent, ['n1'], now())).toBe(false);
    expect(store.markRetry(sent, 'timeout', now())).toBe(false);
    expect(store.markFailed(sent, 'refused')).toBe(false);
    const newer = store.nextDue(installationId, now())!;
    expect(newer.seq).toBeGreaterThan(sent.seq);
    expect(newer).toMatchObject({ state: 'pending', attempts: 0, lastError: null });
  });

  it('keeps an unanswered row pending until its retry time, counting the attempt', () => {
    const sent = store.nextDue(installationId, now())!;
    const retryAt = new Date(Date.now() + 60_000).toISOString();

    expect(store.markRetry(sent, 'no server answered', retryAt)).toBe(true);
    expect(store.nextDue(installationId, now())).toBeUndefined();
    expect(store.nextRetryAt(installationId, now())).toBe(retryAt);
    expect(store.entry(installationId, sent.accountPublicKey)).toMatchObject({
      state: 'pending',
      attempts: 1,
      lastError: 'no server answered',
    });
    store.retryNow(installationId);
    expect(store.nextDue(installationId, now())?.seq).toBe(sent.seq);
  });

  it('requeues a published row for a server that has not acknowledged it', () => {
    const sent = store.nextDue(installationId, now())!;
    store.markPublished(sent, ['n1', 'n2'], now());

    expect(store.requeueUnacknowledged(installationId, ['n1', 'n2'], now())).toBe(0);
    expect(store.requeueUnacknowledged(installationId, ['n1', 'n2', 'n3'], now())).toBe(1);
    const again = store.nextDue(installationId, now())!;
    expect(again).toMatchObject({ seq: sent.seq, state: 'pending', ackedServers: ['n1', 'n2'] });

    store.markPublished(again, ['n1', 'n2', 'n3'], now());
    expect(store.entry(installationId, sent.accountPublicKey)?.ackedServers).toEqual([
      'n1',
      'n2',
      'n3',
    ]);
  });

  it('forgets the servers of an older version once a newer one is published', async () => {
    store.markPublished(store.nextDue(installationId, now())!, ['n1', 'n2'], now());
    await setLimits(9);

    const newer = store.nextDue(installationId, now())!;
    expect(newer.ackedServers).toEqual([]);
    store.markPublished(newer, ['n1'], now());
    expect(store.entry(installationId, newer.accountPublicKey)?.ackedServers).toEqual(['n1']);
  });
});
