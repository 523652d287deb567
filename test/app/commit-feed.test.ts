import { afterEach, describe, expect, it } from 'vitest';
import { openTower, type Tower } from '../../src/app/open-tower.ts';
import type { RecordedEvent } from '../../src/events/index.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

/**
 * Two Towers on one data folder stand for `tower serve` and a process beside it (a web
 * worker, the CLI): each has its own connection and command bus.
 */
describe('commit feed: every commit told once, in order, whoever made it', () => {
  let serve: TempTower;
  let other: Tower;
  afterEach(() => {
    other.close();
    serve.destroy();
  });

  async function open(): Promise<{ told: RecordedEvent[] }> {
    serve = await tempTower();
    other = openTower({ dataDir: serve.dataDir, synchronous: 'OFF' });
    const told: RecordedEvent[] = [];
    serve.bus.commits.on((events) => told.push(...events));
    return { told };
  }

  const createTeam = (tower: Tower, actor: TempTower['admin'], name: string) =>
    tower.bus.execute('CreateTeam', { name }, actor);

  it('tells commits of another process when asked to catch up, and only once', async () => {
    const { told } = await open();
    await createTeam(other, serve.admin, 'elsewhere-1');
    await createTeam(other, serve.admin, 'elsewhere-2');
    expect(told).toEqual([]);

    expect(serve.bus.commits.catchUp()).toBe(2);
    expect(told.map((event) => event.data)).toMatchObject([
      { name: 'elsewhere-1' },
      { name: 'elsewhere-2' },
    ]);
    expect(serve.bus.commits.catchUp()).toBe(0);
    expect(told).toHaveLength(2);
  });

  it('tells what others committed before its own next commit, so no gap is ever seen', async () => {
    const { told } = await open();
    await createTeam(serve, serve.admin, 'here-1');
    await createTeam(other, serve.admin, 'elsewhere');
    await createTeam(serve, serve.admin, 'here-2');

    const seqs = told.map((event) => event.seq);
    expect(told.map((event) => (event.data as { name: string }).name)).toEqual([
      'here-1',
      'elsewhere',
      'here-2',
    ]);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(serve.bus.commits.catchUp()).toBe(0);
  });

  it('tells a long run of other commits in chunks, all of them', async () => {
    const { told } = await open();
    const chunks: number[] = [];
    serve.bus.commits.on((events) => chunks.push(events.length));
    await Promise.all(
      Array.from({ length: 1200 }, (_, i) => createTeam(other, serve.admin, `team-${i}`)),
    );

    expect(serve.bus.commits.catchUp()).toBe(1200);
    expect(told).toHaveLength(1200);
    expect(Math.max(...chunks)).toBeLessThanOrEqual(500);
    expect(told.at(-1)!.seq - told[0]!.seq).toBe(1199);
  });
});
