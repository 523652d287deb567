import type { z } from 'zod';

export type StreamType =
  'tower-user' | 'team' | 'installation' | 'limit-profile' | 'account' | 'nats-user' | 'api-token';

/** Reads an event stored under an older schema version as the next version. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  readonly schemaVersion: number;
  readonly streamType: StreamType;
  readonly schema: S;
  /** The id of the stream (aggregate) the event belongs to, read from its data. */
  readonly streamIdOf: (data: z.infer<S>) => string;
  /** upcasters[v] turns version v into version v + 1. */
  readonly upcasters: Readonly<Record<number, Upcaster>>;
}

/**
 * Declares an event type: its past-tense name, current schema version, the stream it belongs to
 * and the zod schema of its data.
 */
export function defineEvent<T extends string, S extends z.ZodType>(definition: {
  type: T;
  schemaVersion?: number;
  streamType: StreamType;
  schema: S;
  streamIdOf: (data: z.infer<S>) => string;
  upcasters?: Record<number, Upcaster>;
}): EventDefinition<T, S> {
  return { schemaVersion: 1, upcasters: {}, ...definition };
}

/** An event as a decider emits it, before the log gives it a place. */
export interface NewEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

export interface EventMetadata {
  /** The acting Tower user, or "system" for Tower's own work. */
  actorId: string;
  commandId: string;
  correlationId: string;
  /** ISO-8601 time the command was decided; also the issue time of JWTs it yields. */
  occurredAt: string;
}

/** An event as stored in the log. */
export interface RecordedEvent<T extends string = string, D = unknown> {
  seq: number;
  eventId: string;
  streamType: StreamType;
  streamId: string;
  version: number;
  type: T;
  schemaVersion: number;
  data: D;
  metadata: EventMetadata;
  prevHash: string;
  hash: string;
}
