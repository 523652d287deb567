import { Command, Option } from 'commander';
import { loadConfig } from '../config.ts';
import { TowerError } from '../errors/index.ts';
import { eventRegistry, type RecordedEvent } from '../events/index.ts';
import { EventLog, type ReadOptions } from '../store/event-log.ts';
import { openExistingDatabase } from './data-folder.ts';
import { parseWholeNumber } from './parse-number.ts';

const PAGE = 1_000;
const DATA_WIDTH = 100;

interface EventsOptions {
  after?: number;
  stream?: string;
  type?: string;
  limit?: number;
  json?: boolean;
}

/** `tower events`: prints the log, as a table or as JSON lines. */
export function eventsCommand(): Command {
  return new Command('events')
    .description('Print the event log in sequence order, one event per line.')
    .addOption(
      new Option('--after <seq>', 'only events after this sequence number').argParser(
        parseWholeNumber,
      ),
    )
    .option('--stream <stream>', 'only this stream: type:id (team:abc) or just the id')
    .option('--type <type>', 'only events of this type (TeamCreated)')
    .addOption(new Option('--limit <n>', 'at most this many events').argParser(parseWholeNumber))
    .option('--json', 'one JSON object per line, as tooling receives events over NATS')
    .action(runEvents);
}

async function runEvents(options: EventsOptions): Promise<void> {
  const config = loadConfig();
  const db = openExistingDatabase(config);
  try {
    const log = new EventLog(db);
    const filter: ReadOptions = { ...parseStream(options.stream), type: options.type };
    const print = options.json ? toJsonLine : toTableLine;
    let after = options.after ?? 0;
    let remaining = options.limit ?? Infinity;
    if (!options.json) process.stdout.write(TABLE_HEADER);

    while (remaining > 0) {
      const events = log.read({ ...filter, after, limit: Math.min(PAGE, remaining) });
      if (events.length === 0) break;
      process.stdout.write(events.map(print).join(''));
      after = events.at(-1)!.seq;
      remaining -= events.length;
      // Lets a closed pipe (`tower events | head`) surface before the next page is read.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    db.close();
  }
}

/** `team:abc` names a stream type and id; a bare `abc` matches the id in any stream type. */
function parseStream(stream: string | undefined): Pick<ReadOptions, 'streamType' | 'streamId'> {
  if (!stream) return {};
  const colon = stream.indexOf(':');
  if (colon < 0) return { streamId: stream };

  const streamType = stream.slice(0, colon);
  const known = new Set([...eventRegistry.values()].map((definition) => definition.streamType));
  if (!known.has(streamType as never)) {
    throw new TowerError(
      'invalid_input',
      `Unknown stream type "${streamType}"; use one of ${[...known].join(', ')}.`,
      { field: 'stream' },
    );
  }
  return { streamType, streamId: stream.slice(colon + 1) };
}

function toJsonLine(event: RecordedEvent): string {
  return JSON.stringify(event) + '\n';
}

/** The columns of the plain form, padded so that the events line up under the header. */
function tableRow(columns: [string, string, string, string, string, string]): string {
  const [seq, at, type, stream, actor, data] = columns;
  const cells = [seq.padStart(7), at.padEnd(24), type.padEnd(26), stream.padEnd(38)];
  return [...cells, actor.padEnd(19), data].join('  ').trimEnd() + '\n';
}

const TABLE_HEADER = tableRow(['seq', 'occurred at', 'type', 'stream', 'actor', 'data']);

function toTableLine(event: RecordedEvent): string {
  const data = JSON.stringify(event.data);
  return tableRow([
    String(event.seq),
    event.metadata.occurredAt,
    event.type,
    `${event.streamType}:${event.streamId} v${event.version}`,
    `by ${event.metadata.actorId}`,
    data.length > DATA_WIDTH ? `${data.slice(0, DATA_WIDTH - 1)}…` : data,
  ]);
}
