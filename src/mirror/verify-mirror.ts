import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventLog, EventRow } from '../store/event-log.ts';
import { eventJson } from './event-json.ts';
import { EventHeader, eventSubject, towerSeqOf } from './event-message.ts';
import { readWholeStream } from './stream-reader.ts';
import { EVENTS_STREAM } from './streams.ts';

/** How the mirror stream compares with the log. */
export interface MirrorComparison {
  /** Events in the log. */
  events: number;
  /** Messages read from the stream. */
  messages: number;
  /** The first difference, if any: the log seq it concerns and what differs. */
  difference?: { seq: number; streamSeq?: number; problem: string };
}

const PAGE = 1_000;

/**
 * Reads the whole stream and the whole log side by side: the stream must hold every event
 * once, in log order, with the event's subject, id, headers and JSON payload, and nothing else.
 * Stops at the first difference.
 *
 * @example const { difference } = await compareMirror(nc, tower.log)
 */
export async function compareMirror(nc: NatsConnection, log: EventLog): Promise<MirrorComparison> {
  const events = log.head().seq;
  const rows = logRows(log);
  let messages = 0;
  let expected = await nextRow(rows);

  for await (const msg of readWholeStream(nc, EVENTS_STREAM)) {
    messages += 1;
    const seq = expected?.seq ?? events + 1;
    const problem = expected ? differenceOf(msg, expected) : extraMessage(msg);
    if (problem) return { events, messages, difference: { seq, streamSeq: msg.seq, problem } };
    expected = await nextRow(rows);
  }

  if (!expected) return { events, messages };
  const missing = events - expected.seq + 1;
  const problem = `the stream ends before event ${expected.seq} (${missing} events are missing)`;
  return { events, messages, difference: { seq: expected.seq, problem } };
}

function extraMessage(msg: JsMsg): string {
  const seq = towerSeqOf(msg.headers);
  return `the stream holds a message after the log's last event (Tower-Seq ${seq})`;
}

/** What differs between a message and the event it should carry, if anything. */
function differenceOf(msg: JsMsg, row: EventRow): string | undefined {
  const h = msg.headers;
  const seq = towerSeqOf(h);
  if (seq !== row.seq) return `stream seq ${msg.seq} carries Tower-Seq ${seq}, expected ${row.seq}`;
  if (h?.get('Nats-Msg-Id') !== row.event_id) return 'its Nats-Msg-Id is not the event id';
  if (h?.get(EventHeader.hash) !== row.hash) return 'its Tower-Hash differs from the log';
  if (h?.get(EventHeader.prevHash) !== row.prev_hash) return 'its Tower-Prev-Hash differs';
  if (msg.subject !== eventSubject(row))
    return `its subject ${msg.subject} is not ${eventSubject(row)}`;
  if (msg.string() !== eventJson(row)) return 'its payload differs from the event in the log';
  return undefined;
}

async function* logRows(log: EventLog): AsyncGenerator<EventRow> {
  let after = 0;
  for (;;) {
    const page = log.readRows({ after, limit: PAGE });
    if (page.length === 0) return;
    yield* page;
    after = page.at(-1)!.seq;
  }
}

async function nextRow(rows: AsyncGenerator<EventRow>): Promise<EventRow | undefined> {
  const next = await rows.next();
  return next.done ? undefined : next.value;
}
