import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { freePorts, type NatsServer } from '../helpers/nats-server.ts';
import { runCli, tempDir } from '../helpers/run-cli.ts';
import { ApiClient } from './helpers/api-client.ts';
import { CommandTraffic } from './helpers/command-traffic.ts';
import { currentAccountJwts, startServerForInstallation } from './helpers/installation-server.ts';
import { eventCount, ledgerProblems } from './helpers/ledger-checks.ts';
import { liveAndReplayed, mirrorPosition, verifyDataFolder } from './helpers/log-checks.ts';
import { seedFromEnv, seededRandom } from './helpers/seeded-random.ts';
import { TowerProcess } from './helpers/tower-process.ts';
import { waitUntil } from './helpers/wait-until.ts';

/** CI kills six times; `scripts/soak-crash.sh` sets CRASH_KILLS for a long soak. */
const KILLS = Number(process.env.CRASH_KILLS ?? 6);
const SEED = seedFromEnv('CRASH_SEED');
const CLIENTS = 3;
/** Re-sent acknowledged requests per restart, to see the first outcome come back. */
const RESENDS = 4;
/** About five seconds a kill on a 2-core machine, with room to spare. */
const TIMEOUT_MS = Math.max(90_000, KILLS * 15_000);

interface AccountStatus {
  accountId: string;
  state: string;
  seq: number;
}

/**
 * `tower serve` under a steady stream of API commands from a few clients, killed with SIGKILL
 * at seeded random moments and started again on the same data folder. After each restart the
 * log, the command ledger and the read models must account for every acknowledged command;
 * after the last one the real nats-server holds every account's newest JWT and the NATS mirror
 * holds every event once and in order.
 */
describe(`tower serve killed with SIGKILL ${KILLS} times under load (seed ${SEED})`, () => {
  const random = seededRandom(SEED);
  const dataDir = tempDir('tower-crash-');
  const dbFile = join(dataDir, 'tower.db');
  let tower: TowerProcess | undefined;
  let server: NatsServer | undefined;
  const figures = { seed: SEED, crashesSurvived: 0, acknowledged: 0, resent: 0, lost: -1 };

  afterAll(async () => {
    console.info(`crash figures: ${JSON.stringify(figures)}`);
    await tower?.stop();
    await server?.stop();
  });

  it(
    'loses no acknowledged command, applies none twice and publishes every account',
    async () => {
      const [towerPort, natsPort] = await freePorts(2);
      tower = new TowerProcess({ dataDir, port: towerPort! });
      await tower.start();
      const api = new ApiClient(tower.base, await adminToken(dataDir));
      const installation = await api.ok<{ id: string }>({
        method: 'POST',
        path: '/installations',
        body: { name: 'crash', urls: [`nats://127.0.0.1:${natsPort}`], description: 'crash test' },
      });
      server = await startServerForInstallation(api, installation.id, { port: natsPort! });
      const traffic = new CommandTraffic(installation.id, random);

      for (let round = 1; round <= KILLS; round += 1) {
        let running = true;
        const load = traffic.run(api, CLIENTS, () => running);
        await sleep(random.int(150, 1_200));
        await tower.kill();
        running = false;
        await load;

        await tower.start();
        figures.crashesSurvived += 1;
        const context = `round ${round}, seed ${SEED}`;
        const problems = ledgerProblems(dbFile, traffic.acknowledged);
        figures.acknowledged = traffic.acknowledged.length;
        figures.lost = problems.filter((problem) => problem.includes('not in the commands')).length;
        expect(problems, context).toEqual([]);
        expect(traffic.refused, context).toEqual([]);
        await expectLogVerifies(dataDir, context);

        figures.resent += await traffic.resendUnanswered(api);
        await expectFirstOutcomes(api, traffic, context);
      }

      figures.acknowledged = traffic.acknowledged.length;
      expect(ledgerProblems(dbFile, traffic.acknowledged)).toEqual([]);
      expect(figures.crashesSurvived).toBe(KILLS);

      await expectEveryAccountPublished(api, installation.id, server);
      await expectMirrorComplete(dataDir);
    },
    TIMEOUT_MS,
  );

  /** `tower verify` passes and a replay into a new file equals the live read models. */
  async function expectLogVerifies(folder: string, context: string) {
    const verified = await verifyDataFolder(folder);
    expect(verified.ok, `${context}: ${verified.output}`).toBe(true);
    const { live, replayed } = await liveAndReplayed(folder);
    expect(Object.keys(live).length, context).toBeGreaterThan(3);
    expect(live, context).toEqual(replayed);
  }

  /** Acknowledged requests sent again with their keys answer as before and append nothing. */
  async function expectFirstOutcomes(api: ApiClient, traffic: CommandTraffic, context: string) {
    const before = eventCount(dbFile);
    // The API answers a replayed create with the entity as it is now, so the create of a NATS
    // user deleted since answers 404 instead of its first outcome: those are left out here and
    // covered by the ledger checks alone.
    const resendable = traffic.acknowledged.filter(
      (sent) => sent.kind !== 'createNatsUser' || traffic.natsUsers.has(sent.answeredId!),
    );
    for (let index = 0; index < RESENDS && resendable.length > 0; index += 1) {
      const first = random.pick(resendable);
      const answer = await api.send(first.request);
      expect(
        answer.status,
        `${context}: ${first.kind} ${first.key} again ${JSON.stringify(answer.body)}`,
      ).toBe(first.status);
      if (first.answeredId) {
        expect((answer.body as { id?: string }).id, `${context}: ${first.key}`).toBe(
          first.answeredId,
        );
      }
    }
    expect(eventCount(dbFile), `${context}: events appended by re-sent keys`).toBe(before);
  }

  /** After the last restart the publisher brings the real server up to Tower's newest JWTs. */
  async function expectEveryAccountPublished(
    api: ApiClient,
    installationId: string,
    running: NatsServer,
  ) {
    const current = currentAccountJwts(dbFile, installationId);
    const path = `/installations/${installationId}/status`;
    const status = await waitUntil(async () => {
      const answer = await api.ok<{ accounts: AccountStatus[] }>({ method: 'GET', path });
      const done = answer.accounts.every(
        (entry) => entry.state === 'published' && entry.seq === current.get(entry.accountId)?.seq,
      );
      return done && answer.accounts.length === current.size && answer;
    }, 'every account to be published with its newest JWT');

    expect(status.accounts.map((entry) => entry.accountId).sort()).toEqual(
      [...current.keys()].sort(),
    );
    for (const account of current.values()) {
      const stored = await readFile(join(running.paths.jwtDir, `${account.publicKey}.jwt`), 'utf8');
      expect(stored, `account ${account.publicKey} on the server`).toBe(account.jwt);
    }
  }

  /** The mirror catches up after the last restart and `tower verify --mirror` passes. */
  async function expectMirrorComplete(folder: string) {
    await waitUntil(() => {
      const { logSeq, mirrorSeq } = mirrorPosition(dbFile);
      return logSeq > 0 && mirrorSeq === logSeq;
    }, 'the mirror to acknowledge the last event');
    const verified = await verifyDataFolder(folder, true);
    expect(verified.ok, verified.output).toBe(true);
    expect(verified.output).toMatch(/NATS mirror\s+\d+ messages match the \d+ events/);
  }
});

async function adminToken(dataDir: string): Promise<string> {
  const args = ['token', 'create', '--email', 'admin@tower.local', '--name', 'crash'];
  const created = await runCli(dataDir, args);
  if (created.code !== 0) throw new Error(`token create failed: ${created.stderr}`);
  return created.stdout.trim().split('\n').at(-1)!;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
