import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventJson } from '../../src/mirror/event-json.ts';
import type { Mirror } from '../../src/mirror/mirror.ts';
import { internalBusPaths, readServerPid } from '../../src/mirror/internal-bus-files.ts';
import { freePorts, startNatsServer, type NatsServer } from '../helpers/nats-server.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';
import {
  caughtUp,
  connectInternal,
  connectPlain,
  createTeams,
  eventually,
  natsConfig,
  startTestMirror,
  storedEvents,
} from './mirror-fixture.ts';

const BURST = 120;

/**
 * The bus dies in the middle of a burst of commands. Commands go on regardless; once the bus
 * is back the stream holds every event exactly once, in log order.
 */
describe('a bus outage during a burst of commands', () => {
  let tower: TempTower;
  beforeAll(async () => {
    tower = await tempTower();
  });
  afterAll(() => tower?.destroy());

  it('internal server killed: Tower restarts it and the stream ends complete', async () => {
    const { mirror, log } = startTestMirror(tower, natsConfig());
    try {
      await caughtUp(mirror);
      const killedPid = readServerPid(internalBusPaths(tower.dataDir))!;

      const lag = sampleLag(mirror);
      await createTeams(tower, tower.admin, BURST, 'internal burst', {
        at: BURST / 3,
        run: () => {
          process.kill(killedPid, 'SIGKILL');
          lag.reset();
        },
      });
      await eventually(
        () => readServerPid(internalBusPaths(tower.dataDir)) !== killedPid,
        'the restarted server',
      );
      await caughtUp(mirror);
      const lagDuringOutage = lag.stop();

      expect(lagDuringOutage).toBeGreaterThan(0);
      expect(log.lines).toContainEqual(
        expect.objectContaining({ message: 'internal NATS server exited; restarting it' }),
      );
      const nc = await connectInternal(tower);
      await expectEveryEventOnce(await storedEvents(nc));
      await nc.close();
    } finally {
      await mirror.stop();
    }
  });

  describe('external server', () => {
    let server: NatsServer;
    beforeAll(async () => {
      // A fixed port, so that the restarted server is where the client looks for it.
      const [port] = await freePorts(1);
      server = await startNatsServer({
        config: (paths) =>
          `listen: "127.0.0.1:${port}"\njetstream: { store_dir: ${JSON.stringify(paths.storeDir)} }`,
      });
    });
    afterAll(() => server?.stop());

    it('restarted by its operator: the mirror reconnects and the stream ends complete', async () => {
      const other = await tempTower();
      const { mirror } = startTestMirror(other, natsConfig({ urls: [server.url] }));
      try {
        await caughtUp(mirror);
        const lag = sampleLag(mirror);
        await createTeams(other, other.admin, BURST, 'external burst', {
          at: BURST / 3,
          run: async () => {
            await server.restart();
            lag.reset();
          },
        });
        await caughtUp(mirror);

        expect(lag.stop()).toBeGreaterThan(0);
        const nc = await connectPlain(server.url);
        await expectEveryEventOnce(await storedEvents(nc), other);
        await nc.close();
      } finally {
        await mirror.stop();
        other.destroy();
      }
    });
  });

  /** The largest lag seen since the last reset: proof that the outage held events back. */
  function sampleLag(mirror: Mirror) {
    let max = 0;
    const timer = setInterval(() => (max = Math.max(max, mirror.status().lag)), 2);
    return {
      reset: () => (max = 0),
      stop: () => {
        clearInterval(timer);
        return max;
      },
    };
  }

  async function expectEveryEventOnce(
    stored: Awaited<ReturnType<typeof storedEvents>>,
    source: TempTower = tower,
  ) {
    const rows = source.log.readRows();
    expect(rows.length).toBeGreaterThan(BURST);
    expect(stored.map((event) => event.towerSeq)).toEqual(rows.map((row) => row.seq));
    expect(stored.map((event) => event.payload)).toEqual(rows.map(eventJson));
  }
});
