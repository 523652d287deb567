import { Command, Option } from 'commander';
import { loadConfig, type TowerConfig } from '../config.ts';
import { TowerError } from '../errors/index.ts';
import { eventRegistry, type RecordedEvent } from '../events/index.ts';
import type { BusEndpoint } from '../mirror/bus-endpoint.ts';
import { commandLineEndpoint, connectForCommand } from '../mirror/command-line-bus.ts';
import { eventJson } from '../mirror/event-json.ts';
import { followEvents } from '../mirror/follow-events.ts';
import { EventLog, rowToEvent, type EventRow, type ReadOptions } from '../store/event-log.ts';
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
  follow?: boolean;
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
    .option(
      '--follow',
      'follow the TOWER_EVENTS stream over NATS (from --after, or from now) until Ctrl-C',
    )
    .action(runEvents);
}

async function runEvents(options: EventsOptions): Promise<void> {
  const config = loadConfig();
  const filter: ReadOptions = { ...parseStream(options.stream), type: options.type };
  if (options.follow) {
    const endpoint = followEndpoint(config);
    if (!options.json) process.stdout.write(TABLE_HEADER);
    return followStream(endpoint, filter, options);
  }

  const db = openExistingDatabase(config);
  try {
    if (!options.json) process.stdout.write(TABLE_HEADER);
    await printLog(new EventLog(db), filter, options);
  } finally {
    db.close();
  }
}

/**
 * With TOWER_NATS_URL, following needs no data folder, so tooling can run it anywhere; the
 * internal server's address and credentials are in the data folder.
 */
function followEndpoint(config: TowerConfig): BusEndpoint {
  if (config.nats.urls.length > 0) return commandLineEndpoint(config, undefined);
  const db = openExistingDatabase(config);
  try {
    return commandLineEndpoint(config, db);
  } finally {
    db.close();
  }
}

async function printLog(log: EventLog, filter: ReadOptions, options: EventsOptions) {
  const print = options.json
    ? (row: EventRow) => eventJson(row) + '\n'
    : (row: EventRow) => toTableLine(rowToEvent(row));
  let after = options.after ?? 0;
  let remaining = options.limit ?? Infinity;
  while (remaining > 0) {
    const rows = log.readRows({ ...filter, after, limit: Math.min(PAGE, remaining) });
    if (rows.length === 0) break;
    process.stdout.write(rows.map(print).join(''));
    after = rows.at(-1)!.seq;
    remaining -= rows.length;
    // Lets a closed pipe (`tower events | head`) surface before the next page is read.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Prints the stream's events as they arrive, in the same two forms, until Ctrl-C or --limit. */
async function followStream(
  endpoint: BusEndpoint,
  filter: ReadOptions,
  options: EventsOptions,
): Promise<void> {
  const nc = await connectForCommand(endpoint);
  const stop = () => void nc.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let remaining = options.limit ?? Infinity;
  try {
    const events = followEvents(nc, { after: options.after, filter });
    for await (const json of events) {
      const line = options.json ? json + '\n' : toTableLine(JSON.parse(json) as RecordedEvent);
      process.stdout.write(line);
      if (--remaining <= 0) break;
    }
  } catch (error) {
    // Ctrl-C closes the connection under the consumer: that ends the command, not an error.
    if (!nc.isClosed()) throw error;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    if (!nc.isClosed()) await nc.close();
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
