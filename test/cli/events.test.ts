import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../../src/events/index.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempTower } from '../helpers/temp-tower.ts';
import { writeSampleLog } from './sample-log.ts';

const parseLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RecordedEvent);

describe('tower events', () => {
  let dataDir: string;
  let log: RecordedEvent[];
  let teamId: string;
  let cleanUp: () => void;

  beforeAll(async () => {
    const tower = await tempTower();
    ({ teamId } = await writeSampleLog(tower));
    log = tower.log.read();
    dataDir = tower.dataDir;
    tower.close();
    cleanUp = tower.destroy;
  });
  afterAll(() => cleanUp());

  it('prints every event as one JSON object per line, exactly as the log holds it', async () => {
    const result = await runCli(dataDir, ['events', '--json']);

    expect(result.code).toBe(0);
    expect(parseLines(result.stdout)).toEqual(log);
    expect(Object.keys(parseLines(result.stdout)[0]!)).toEqual([
      'seq',
      'eventId',
      'streamType',
      'streamId',
      'version',
      'type',
      'schemaVersion',
      'data',
      'metadata',
      'prevHash',
      'hash',
    ]);
  });

  it('prints a readable table with one line per event', async () => {
    const result = await runCli(dataDir, ['events']);

    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(log.length + 1);
    expect(lines[0]).toMatch(/^\s+seq\s+occurred at\s+type\s+stream/u);
    expect(lines[3]).toMatch(
      /^\s+3\s+\S+Z\s+TeamCreated\s+team:\S+ v1\s+by \S+\s+\{"name":"Payments"/u,
    );
  });

  it('filters by position, count, type and stream', async () => {
    const page = await runCli(dataDir, ['events', '--json', '--after', '3', '--limit', '2']);
    const renames = await runCli(dataDir, ['events', '--json', '--type', 'TeamRenamed']);
    const team = await runCli(dataDir, ['events', '--json', '--stream', `team:${teamId}`]);
    const bareId = await runCli(dataDir, ['events', '--json', '--stream', teamId]);

    expect(parseLines(page.stdout).map((event) => event.seq)).toEqual([4, 5]);
    expect(parseLines(renames.stdout).map((event) => event.data)).toEqual([
      { teamId, name: 'Billing' },
    ]);
    const teamEvents = log.filter((event) => event.streamId === teamId);
    expect(parseLines(team.stdout)).toEqual(teamEvents);
    expect(parseLines(bareId.stdout)).toEqual(teamEvents);
  });

  it('refuses a stream type it does not know', async () => {
    const result = await runCli(dataDir, ['events', '--stream', `squad:${teamId}`]);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error \[invalid_input\] Unknown stream type "squad".*\(field: stream\)/u,
    );
  });
});
