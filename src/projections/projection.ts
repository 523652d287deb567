import type { Database } from 'better-sqlite3';
import type { RecordedEvent, TowerEvent, TowerEventType } from '../events/index.ts';

/** A recorded event narrowed to one type, with its typed data. */
export type Recorded<T extends TowerEventType> = RecordedEvent<
  T,
  Extract<TowerEvent, { type: T }>['data']
>;

export type Handlers = { [T in TowerEventType]?: (event: Recorded<T>) => void };

/**
 * A read model kept up to date from the log. It declares the event types it handles, and
 * writes only its own tables, always inside the transaction the runner gives it.
 */
export interface Projection {
  readonly name: string;
  /** Tables the projection owns; replay empties them before it starts. */
  readonly tables: readonly string[];
  /**
   * Indexes that serve only queries, never the projection's own handlers: a rebuild drops them
   * and builds them once at the end, which is far cheaper than keeping them up row by row.
   */
  readonly queryIndexes?: readonly string[];
  readonly handlers: Handlers;
}

export type ProjectionFactory = (db: Database) => Projection;

export function handledTypes(projection: Projection): TowerEventType[] {
  return Object.keys(projection.handlers) as TowerEventType[];
}
