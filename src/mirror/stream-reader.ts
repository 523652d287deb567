import {
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  type JsMsg,
  type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { streamInfo } from './streams.ts';

/**
 * Every message of a stream in order, from its first to the last one it held when the read
 * began, through an ordered consumer (ephemeral, flow-controlled, recreated on gaps).
 * A missing or empty stream yields nothing.
 *
 * @example for await (const msg of readWholeStream(nc, 'TOWER_EVENTS')) seqs.push(msg.seq)
 */
export async function* readWholeStream(nc: NatsConnection, stream: string): AsyncGenerator<JsMsg> {
  const info = await streamInfo(await jetstreamManager(nc), stream);
  if (!info || info.state.messages === 0) return;

  const end = info.state.last_seq;
  yield* orderedMessages(
    nc,
    stream,
    {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: info.state.first_seq,
    },
    (msg) => msg.seq >= end,
  );
}

/**
 * Messages of an ordered consumer until `last` says a message was the last one (for ever when
 * it never does); the consumer stops when the caller stops iterating.
 */
export async function* orderedMessages(
  nc: NatsConnection,
  stream: string,
  options: Partial<OrderedConsumerOptions>,
  last: (msg: JsMsg) => boolean = () => false,
): AsyncGenerator<JsMsg> {
  const consumer = await jetstream(nc).consumers.get(stream, options);
  const messages = await consumer.consume();
  try {
    for await (const msg of messages) {
      yield msg;
      if (last(msg)) return;
    }
  } finally {
    await messages.close().catch(() => undefined);
  }
}
