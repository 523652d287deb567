import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTower, type Tower } from '../../src/app/open-tower.ts';
import type { Actor } from '../../src/commands/index.ts';
import { eventJson } from '../../src/mirror/event-json.ts';
import { readWholeStream } from '../../src/mirror/stream-reader.ts';
import { KEYSTORE_STREAM } from '../../src/mirror/streams.ts';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';
import { TEST_PASSWORD, tempTower, type TempTower } from '../helpers/temp-tower.ts';
import { writeSampleLog } from '../cli/sample-log.ts';
import {
  caughtUp,
  connectPlain,
  createTeams,
  eventually,
  natsConfig,
  startTestMirror,
  storedEvents,
} from './mirror-fixture.ts';

/** Mirroring to a NATS server Tower is given (TOWER_NATS_URL), one with JetStream. */
describe('the event mirror on an external NATS server', () => {
  let server: NatsServer;
  let first: TempTower;
  /** The Tower of the data folder; a restart replaces it. */
  let tower: Tower;
  let admin: Actor;
  let nc: NatsConnection;
  const nats = () => natsConfig({ urls: [server.url] });

  beforeAll(async () => {
    server = await startNatsServer({ jetstream: true });
    first = await tempTower();
    await writeSampleLog(first);
    tower = first;
    admin = first.admin;
    nc = await connectPlain(server.url);
  });

  afterAll(async () => {
    await nc?.close();
    tower?.close();
    first?.destroy();
    await server?.stop();
  });

  it('publishes every event in log order with its subject, id, headers and JSON', async () => {
    const { mirror } = startTestMirror(tower, nats());
    await caughtUp(mirror);
    await mirror.stop();

    const rows = tower.log.readRows();
    const stored = await storedEvents(nc);
    const cli = await runCli(tower.dataDir, ['events', '--json']);
    expect(stored.map((event) => event.towerSeq)).toEqual(rows.map((row) => row.seq));
    expect(stored.map((event) => event.payload + '\n').join('')).toBe(cli.stdout);
    for (const [i, row] of rows.entries()) {
      expect(stored[i]).toEqual({
        streamSeq: row.seq,
        subject: `tower.events.${row.stream_type}.${row.stream_id}.${row.type}`,
        msgId: row.event_id,
        towerSeq: row.seq,
        hash: row.hash,
        prevHash: row.prev_hash,
        payload: eventJson(row),
      });
    }
  });

  it('keeps the keystore in its own stream, sealed, and no secret in either stream', async () => {
    const secrets = tower.db.prepare('SELECT count(*) FROM secrets').pluck().get();
    const sealed: string[] = [];
    for await (const msg of readWholeStream(nc, KEYSTORE_STREAM)) sealed.push(msg.string());

    expect(sealed).toHaveLength(secrets as number);
    const everything = [...sealed, ...(await storedEvents(nc)).map((event) => event.payload)];
    const seeds = tower.db
      .prepare("SELECT id FROM secrets WHERE id LIKE 'nkey:%'")
      .pluck()
      .all() as string[];
    expect(seeds.length).toBeGreaterThan(3);
    for (const id of seeds) {
      const seed = tower.keystore.get(id)!;
      expect(everything.some((text) => text.includes(seed))).toBe(false);
    }
    expect(everything.some((text) => text.includes(TEST_PASSWORD))).toBe(false);
  });

  it('resumes from its cursor after a Tower restart, each event once and in order', async () => {
    await createTeams(tower, admin, 5, 'while stopped');
    tower.close();
    tower = openTower({ dataDir: first.dataDir, synchronous: 'OFF' });

    const { mirror, log } = startTestMirror(tower, nats());
    await createTeams(tower, admin, 5, 'after restart');
    await caughtUp(mirror);
    await mirror.stop();

    await expectExactMirror(tower);
    expect(log.lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('takes the position from the stream when the cursor fell behind it', async () => {
    // As after a crash between the stream's ack and the cursor's save.
    tower.db
      .prepare('UPDATE mirror_cursor SET tower_seq = tower_seq - 4, stream_seq = stream_seq - 4')
      .run();

    const { mirror } = startTestMirror(tower, nats());
    await createTeams(tower, admin, 3, 'after the crash');
    await caughtUp(mirror);
    await mirror.stop();

    await expectExactMirror(tower);
  });

  it('refuses to publish into a stream that mirrors another log', async () => {
    const other = await tempTower();
    const before = await storedEvents(nc);
    try {
      const { mirror } = startTestMirror(other, nats());
      const status = await eventually(
        () =>
          mirror.status().lastError?.includes('does not mirror this event log') && mirror.status(),
        'the mirror to refuse the stream',
      );
      await mirror.stop();

      expect(status.cursor).toBe(0);
      expect(await storedEvents(nc)).toEqual(before);
    } finally {
      other.destroy();
    }
  });

  it('lets tooling follow the stream with TOWER_NATS_URL alone, without a data folder', async () => {
    const head = String(tower.log.head().seq);
    const env = { TOWER_NATS_URL: server.url };

    const followed = await runCli(
      tempDir(),
      ['events', '--follow', '--json', '--after', '0', '--limit', head],
      { env },
    );
    const printed = await runCli(tower.dataDir, ['events', '--json']);

    expect(followed.code).toBe(0);
    expect(followed.stdout).toBe(printed.stdout);
  });

  it('lets `tower verify --mirror` pass, and name the first difference once there is one', async () => {
    const env = { TOWER_NATS_URL: server.url };
    const passing = await runCli(tower.dataDir, ['verify', '--mirror'], { env });
    const head = tower.log.head().seq;
    await jetstream(nc).publish('tower.events.team.intruder.TeamCreated', '{}', {
      expect: { lastSequence: head },
    });
    const failing = await runCli(tower.dataDir, ['verify', '--mirror'], { env });

    expect(passing.code).toBe(0);
    expect(passing.stdout).toMatch(/^ok {4}NATS mirror +\d+ messages match the \d+ events$/mu);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^FAIL {2}NATS mirror +differs at seq \d+/mu);
    expect(failing.stderr).toContain(
      `error [mirror_diverged] The stream differs at seq ${head + 1}`,
    );
  });

  async function expectExactMirror(source: Tower) {
    const rows = source.log.readRows();
    const stored = await storedEvents(nc);
    expect(stored.map((event) => event.towerSeq)).toEqual(rows.map((row) => row.seq));
    expect(stored.map((event) => event.streamSeq)).toEqual(rows.map((row) => row.seq));
    expect(stored.map((event) => event.payload)).toEqual(rows.map(eventJson));
  }
});
