import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mirror } from '../../src/mirror/mirror.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';
import {
  caughtUp,
  createTeams,
  eventually,
  natsConfig,
  startTestMirror,
} from './mirror-fixture.ts';

const TOWER_BIN = fileURLToPath(new URL('../../bin/tower.js', import.meta.url));

/** `tower events --follow`: the stream over NATS, printed like `tower events`. */
describe('tower events --follow', () => {
  let tower: TempTower;
  let mirror: Mirror;
  const followers: ChildProcessWithoutNullStreams[] = [];

  beforeAll(async () => {
    tower = await tempTower();
    ({ mirror } = startTestMirror(tower, natsConfig()));
    await createTeams(tower, tower.admin, 3, 'before');
    await caughtUp(mirror);
  });

  afterAll(async () => {
    for (const child of followers) child.kill('SIGKILL');
    await mirror?.stop();
    tower?.destroy();
  });

  it('prints the events after --after N, then live events as they are committed', async () => {
    const after = tower.log.head().seq - 2;
    const follower = follow(['--json', '--after', String(after)]);
    await createTeams(tower, tower.admin, 4, 'live');
    const expected = await runCli(tower.dataDir, ['events', '--json', '--after', String(after)]);

    await eventually(() => follower.stdout() === expected.stdout, 'the followed events');
    expect(follower.stdout().trim().split('\n')).toHaveLength(6);
  });

  it('starts from now without --after, prints the table form and stops on Ctrl-C', async () => {
    const head = tower.log.head().seq;
    const follower = follow([]);
    // The follower may subscribe a little after it starts: commit until it prints one.
    await eventually(async () => {
      await createTeams(tower, tower.admin, 1, `now ${Date.now()}`);
      return follower.stdout().includes('TeamCreated');
    }, 'a live event');
    await createTeams(tower, tower.admin, 2, 'then');
    await eventually(() => lastSeq(follower.stdout()) === tower.log.head().seq, 'the last event');

    const [header, ...lines] = follower.stdout().trim().split('\n');
    const seqs = lines.map((line) => Number(line.trim().split(/\s+/u)[0]));
    expect(header).toMatch(/^seq\s+occurred at\s+type\s+stream/u);
    expect(seqs[0]).toBeGreaterThan(head);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(await follower.interrupt()).toBe(0);
  });

  it('tells clearly when no Tower runs the internal server', async () => {
    const other = await tempTower();
    other.close();
    try {
      const result = await runCli(other.dataDir, ['events', '--follow']);

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('error [mirror_unavailable] No internal NATS server runs');
    } finally {
      other.destroy();
    }
  });

  function follow(args: string[]) {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!name.startsWith('TOWER_')) env[name] = value;
    }
    env.TOWER_DATA_DIR = tower.dataDir;
    const child = spawn(process.execPath, [TOWER_BIN, 'events', '--follow', ...args], { env });
    followers.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => child.on('close', done));
    return {
      stdout: () => stdout,
      stderr: () => stderr,
      interrupt: () => {
        child.kill('SIGINT');
        return exited;
      },
    };
  }
});

function lastSeq(table: string): number {
  const last = table.trim().split('\n').at(-1) ?? '';
  return Number(last.trim().split(/\s+/u)[0]);
}
