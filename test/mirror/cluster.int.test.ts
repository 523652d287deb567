import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventJson } from '../../src/mirror/event-json.ts';
import { EVENTS_STREAM, KEYSTORE_STREAM } from '../../src/mirror/streams.ts';
import { startNatsCluster, type NatsCluster } from '../helpers/nats-server.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';
import {
  caughtUp,
  connectPlain,
  createTeams,
  natsConfig,
  startTestMirror,
  storedEvents,
} from './mirror-fixture.ts';

/** The same mirror on a three-server JetStream cluster, with three replicas per stream. */
describe('the event mirror on a three-server cluster', () => {
  let cluster: NatsCluster;
  let tower: TempTower;

  beforeAll(async () => {
    cluster = await startNatsCluster(3, { jetstream: true });
    tower = await tempTower();
  });
  afterAll(async () => {
    tower?.destroy();
    await cluster?.stop();
  });

  it('keeps both streams on three replicas and every event in order', async () => {
    const { mirror } = startTestMirror(tower, natsConfig({ urls: cluster.urls, replicas: 3 }));
    await createTeams(tower, tower.admin, 20);
    await caughtUp(mirror, 40_000);
    await mirror.stop();

    const nc = await connectPlain(cluster.urls[2]!);
    const jsm = await jetstreamManager(nc);
    const events = await jsm.streams.info(EVENTS_STREAM);
    const keystore = await jsm.streams.info(KEYSTORE_STREAM);
    const stored = await storedEvents(nc);
    await nc.close();

    expect(events.config.num_replicas).toBe(3);
    expect(keystore.config.num_replicas).toBe(3);
    expect(events.cluster?.replicas).toHaveLength(2);
    expect(stored.map((event) => event.payload)).toEqual(tower.log.readRows().map(eventJson));
  });
});
