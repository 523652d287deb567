import { readFileSync } from 'node:fs';
import type { Database, Statement } from 'better-sqlite3';
import type { RecordedEvent, TowerEventType } from '../events/index.ts';
import { handledTypes, type Projection, type ProjectionFactory } from './projection.ts';
import { accountsProjection } from './accounts-projection.ts';
import { apiTokensProjection } from './api-tokens-projection.ts';
import { installationsProjection } from './installations-projection.ts';
import { limitProfilesProjection } from './limit-profiles-projection.ts';
import { natsUsersProjection } from './nats-users-projection.ts';
import { teamsProjection } from './teams-projection.ts';
import { towerUsersProjection } from './tower-users-projection.ts';

const READ_MODELS_SQL = readFileSync(new URL('./read-models.sql', import.meta.url), 'utf8');

/** The read models in the order they run; accounts read the limit profiles' table. */
export const coreProjections: readonly ProjectionFactory[] = [
  towerUsersProjection,
  teamsProjection,
  installationsProjection,
  limitProfilesProjection,
  accountsProjection,
  natsUsersProjection,
  apiTokensProjection,
];

export function createReadModels(db: Database): void {
  db.exec(READ_MODELS_SQL);
}

type Handler = (event: RecordedEvent) => void;

/**
 * Feeds events to every projection that handles their type and moves the checkpoints. It
 * never opens a transaction itself: the caller's append transaction covers the updates.
 */
export class ProjectionRunner {
  readonly projections: readonly Projection[];
  readonly #byType = new Map<string, Handler[]>();
  readonly #checkpoint: Statement<[string, number]>;
  readonly #checkpointAll: Statement<[Record<string, string | number>]>;
  readonly #names: Record<string, string>;
  readonly #db: Database;

  constructor(db: Database, factories: readonly ProjectionFactory[] = coreProjections) {
    this.#db = db;
    createReadModels(db);
    this.projections = factories.map((factory) => factory(db));
    for (const projection of this.projections) {
      for (const type of handledTypes(projection)) {
        const handler = projection.handlers[type] as Handler;
        this.#byType.set(type, [...(this.#byType.get(type) ?? []), handler]);
      }
    }
    this.#checkpoint = db.prepare(
      `INSERT INTO projection_checkpoints (name, seq) VALUES (?, ?)
       ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`,
    );
    // Every projection moves to the same seq in one statement: the bus does it once per commit.
    const rows = this.projections.map((_, i) => `(@name${i}, @seq)`).join(', ');
    this.#checkpointAll = db.prepare(
      `INSERT INTO projection_checkpoints (name, seq) VALUES ${rows}
       ON CONFLICT (name) DO UPDATE SET seq = excluded.seq`,
    );
    this.#names = Object.fromEntries(this.projections.map((p, i) => [`name${i}`, p.name]));
  }

  /** Projects the events and moves every checkpoint to the last of them. */
  apply(events: readonly RecordedEvent[]): void {
    this.project(events);
    const last = events.at(-1);
    if (last) this.checkpoint(last.seq);
  }

  /** Projects the events without moving the checkpoints; the caller calls `checkpoint`. */
  project(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      const handlers = this.#byType.get(event.type);
      if (handlers) for (const handler of handlers) handler(event);
    }
  }

  checkpoint(seq: number): void {
    this.#checkpointAll.run({ ...this.#names, seq });
  }

  /**
   * Brings projections that are behind the log up to its head: one added by a newer Tower, or
   * one whose tables were rebuilt elsewhere. Only the lagging projections see the events, each
   * from its own checkpoint; the others are never applied twice. Returns the events read.
   */
  catchUp(readPage: (after: number) => readonly RecordedEvent[], head: number): number {
    const known = new Map(
      (
        this.#db.prepare('SELECT name, seq FROM projection_checkpoints').all() as {
          name: string;
          seq: number;
        }[]
      ).map((row) => [row.name, row.seq]),
    );
    const lagging = this.projections
      .map((projection) => ({ projection, seq: known.get(projection.name) ?? 0 }))
      .filter((entry) => entry.seq < head);
    if (lagging.length === 0) return 0;

    let after = Math.min(...lagging.map((entry) => entry.seq));
    let read = 0;
    const run = this.#db.transaction((events: readonly RecordedEvent[]) => {
      for (const event of events) {
        for (const { projection, seq } of lagging) {
          if (event.seq > seq)
            (projection.handlers[event.type as TowerEventType] as Handler | undefined)?.(event);
        }
      }
      const last = events.at(-1)!.seq;
      for (const entry of lagging) this.#checkpoint.run(entry.projection.name, last);
    });
    for (let page = readPage(after); page.length > 0; page = readPage(after)) {
      run(page);
      after = page.at(-1)!.seq;
      read += page.length;
    }
    return read;
  }

  /** Empties every table the projections own, ahead of a rebuild. */
  reset(db: Database): void {
    for (const projection of this.projections) {
      for (const table of projection.tables) db.prepare(`DELETE FROM ${table}`).run();
    }
    db.prepare('DELETE FROM projection_checkpoints').run();
  }
}
