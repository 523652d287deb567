import { DeliverPolicy, jetstreamManager, type OrderedConsumerOptions } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { TowerError } from '../errors/index.ts';
import { eventFilterSubject, towerSeqOf } from './event-message.ts';
import { orderedMessages } from './stream-reader.ts';
import { EVENTS_STREAM, streamInfo } from './streams.ts';

/** Where following starts and which events it shows. */
export interface FollowOptions {
  /** Start after this event; from now on (new events only) when left out. */
  after?: number | undefined;
  /** Only events of this stream type, stream id or event type. */
  filter?: { streamType?: string; streamId?: string; type?: string };
}

/**
 * The events of the mirror stream as they arrive, each as its JSON text (the line `tower
 * events --json` prints), until the caller stops iterating. Reconnects and gaps are handled by
 * the ordered consumer underneath.
 *
 * @example for await (const json of followEvents(nc, { after: 120 })) process.stdout.write(json)
 */
export async function* followEvents(
  nc: NatsConnection,
  options: FollowOptions = {},
): AsyncGenerator<string> {
  const start = await startAt(nc, options.after);
  const filter = options.filter && eventFilterSubject(options.filter);
  const consumerOptions = filter ? { ...start, filter_subjects: filter } : start;
  const after = options.after ?? 0;
  for await (const msg of orderedMessages(nc, EVENTS_STREAM, consumerOptions)) {
    if (towerSeqOf(msg.headers) > after) yield msg.string();
  }
}

/**
 * Where to start in the stream for events after `after`. The stream holds the log in order
 * without gaps, so the offset between stream and log sequence numbers, read from the last
 * message, is the same for every message.
 */
async function startAt(
  nc: NatsConnection,
  after: number | undefined,
): Promise<Partial<OrderedConsumerOptions>> {
  const jsm = await jetstreamManager(nc);
  const info = await streamInfo(jsm, EVENTS_STREAM);
  if (!info) {
    throw new TowerError(
      'mirror_unavailable',
      `There is no stream ${EVENTS_STREAM} on this NATS yet: no Tower has mirrored to it.`,
    );
  }
  if (after === undefined) return { deliver_policy: DeliverPolicy.New };
  if (info.state.messages === 0) return { deliver_policy: DeliverPolicy.All };

  const last = await jsm.streams.getMessage(EVENTS_STREAM, { seq: info.state.last_seq });
  const offset = info.state.last_seq - towerSeqOf(last?.header);
  const seq = Math.min(Math.max(info.state.first_seq, offset + after + 1), info.state.last_seq + 1);
  return { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: seq };
}
