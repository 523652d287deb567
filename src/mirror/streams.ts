import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { EVENT_SUBJECT_PREFIX } from './event-message.ts';

/** The stream that mirrors the event log, one message per event. */
export const EVENTS_STREAM = 'TOWER_EVENTS';
/** The stream that keeps the keystore's sealed entries, one subject per entry. */
export const KEYSTORE_STREAM = 'TOWER_KEYSTORE';
/** Keystore entries go to `tower-keystore.<sha256 of the entry id>`, outside `tower.>`. */
export const KEYSTORE_SUBJECT_PREFIX = 'tower-keystore';

/**
 * How long JetStream remembers a message id. A publish whose ack was lost is retried well
 * within it; expected-last-sequence guards order and gaps beyond it.
 */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;
const NANOS_PER_MS = 1_000_000;

type Config = Partial<StreamConfig> & { name: string; subjects: string[] };

/** The mirror stream: file storage, kept forever, no single-message deletes. */
export function eventsStreamConfig(replicas: number): Config {
  return {
    name: EVENTS_STREAM,
    description: 'NATS Tower event log mirror: one message per event, in log order',
    subjects: [`${EVENT_SUBJECT_PREFIX}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: replicas,
    duplicate_window: DUPLICATE_WINDOW_MS * NANOS_PER_MS,
    deny_delete: true,
  };
}

/** The keystore stream: the latest sealed value of each entry, like a key-value bucket. */
export function keystoreStreamConfig(replicas: number): Config {
  return {
    name: KEYSTORE_STREAM,
    description: 'NATS Tower keystore entries, each sealed with the master key (AES-256-GCM)',
    subjects: [`${KEYSTORE_SUBJECT_PREFIX}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: replicas,
    max_msgs_per_subject: 1,
  };
}

/** Creates both streams, or brings an existing one's subjects and replicas in line. */
export async function ensureStreams(jsm: JetStreamManager, replicas: number): Promise<void> {
  await ensureStream(jsm, eventsStreamConfig(replicas));
  await ensureStream(jsm, keystoreStreamConfig(replicas));
}

async function ensureStream(jsm: JetStreamManager, config: Config): Promise<StreamInfo> {
  const existing = await streamInfo(jsm, config.name);
  if (!existing) return jsm.streams.add(config);

  const current = existing.config;
  const drifted =
    current.num_replicas !== config.num_replicas ||
    current.subjects?.join() !== config.subjects.join() ||
    (config.duplicate_window !== undefined && current.duplicate_window !== config.duplicate_window);
  if (!drifted) return existing;
  return jsm.streams.update(config.name, { ...current, ...config });
}

/** The stream's info, or undefined when there is no such stream. */
export async function streamInfo(
  jsm: JetStreamManager,
  name: string,
): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (isApiError(error, JetStreamApiCodes.StreamNotFound)) return undefined;
    throw error;
  }
}

/** True for a JetStream API error with this code (e.g. 10071, wrong last sequence). */
export function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}
