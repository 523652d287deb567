import type { Database, Statement } from 'better-sqlite3';
import { TowerError } from '../../errors/index.ts';
import { rowToEvent, type EventRow } from '../../store/event-log.ts';
import { decodeCursor, encodeCursor, pageSize, type Page, type PageRequest } from './page.ts';
import {
  accountVisibleSql,
  installationVisibleSql,
  viewerParams,
  type QueryViewer,
} from './viewer.ts';

/** One event of the log, as the audit list shows it. Events never carry secrets. */
export interface EventView {
  seq: number;
  eventId: string;
  type: string;
  streamType: string;
  streamId: string;
  version: number;
  data: unknown;
  actorId: string;
  occurredAt: string;
  commandId: string;
  correlationId: string;
  hash: string;
}

/** Which events to list; every filter given must hold. */
export interface EventFilter {
  type?: string | undefined;
  actorId?: string | undefined;
  /** The id of the entity whose own stream the events belong to. */
  entityId?: string | undefined;
  /** Events of the installation and of its accounts and NATS users. */
  installationId?: string | undefined;
  /** Events of the account and of its NATS users. */
  accountId?: string | undefined;
}

/** Newest first by default; `after` lists forward from a sequence number, as tooling follows. */
export interface EventPageRequest extends Pick<PageRequest, 'limit' | 'cursor'> {
  after?: number | undefined;
}

const FILTER_COLUMNS: Record<keyof EventFilter, string> = {
  type: 'x.type',
  actorId: 'x.actor_id',
  entityId: 'x.stream_id',
  installationId: 'x.installation_id',
  accountId: 'x.account_id',
};

/**
 * A user sees the events of installations and accounts (with their NATS users) they may see
 * now; events of Tower users, teams, profiles and tokens are for admins.
 */
const VISIBLE = `(@admin = 1 OR (
  EXISTS (SELECT 1 FROM installations i
    WHERE i.id = x.installation_id AND ${installationVisibleSql('i.id')})
  AND (x.account_id IS NULL OR EXISTS (SELECT 1 FROM accounts a
    WHERE a.id = x.account_id AND ${accountVisibleSql('a.id', 'a.installation_id')}))))`;

type Direction = 'forward' | 'backward';

function position(request: EventPageRequest): { direction: Direction; seq: number } {
  if (request.cursor) {
    const [direction, seq] = decodeCursor(request.cursor);
    if ((direction === 'f' || direction === 'b') && Number.isSafeInteger(seq)) {
      return { direction: direction === 'f' ? 'forward' : 'backward', seq: seq as number };
    }
    throw new TowerError('invalid_input', 'cursor is not a cursor this list gave out', {
      field: 'cursor',
      context: { rule: 'is not a cursor this list gave out' },
    });
  }
  if (request.after !== undefined) return { direction: 'forward', seq: request.after };
  return { direction: 'backward', seq: Number.MAX_SAFE_INTEGER };
}

function toView(row: EventRow): EventView {
  const event = rowToEvent(row);
  return {
    seq: event.seq,
    eventId: event.eventId,
    type: event.type,
    streamType: event.streamType,
    streamId: event.streamId,
    version: event.version,
    data: event.data,
    actorId: event.metadata.actorId,
    occurredAt: event.metadata.occurredAt,
    commandId: event.metadata.commandId,
    correlationId: event.metadata.correlationId,
    hash: event.hash,
  };
}

export type EventQueries = ReturnType<typeof eventQueries>;

/** The audit list: events filtered through the event index, paged by sequence number. */
export function eventQueries(db: Database) {
  const statements = new Map<string, Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };

  return {
    list(
      viewer: QueryViewer,
      filter: EventFilter = {},
      request: EventPageRequest = {},
    ): Page<EventView> {
      const { direction, seq } = position(request);
      const size = pageSize(request);
      const given = (Object.keys(FILTER_COLUMNS) as (keyof EventFilter)[]).filter(
        (key) => filter[key] !== undefined,
      );
      const sql = `SELECT e.* FROM event_index x JOIN events e ON e.seq = x.seq
        WHERE ${direction === 'forward' ? 'x.seq > @seq' : 'x.seq < @seq'}
          ${given.map((key) => `AND ${FILTER_COLUMNS[key]} = @${key}`).join(' ')}
          AND ${VISIBLE}
        ORDER BY x.seq ${direction === 'forward' ? 'ASC' : 'DESC'} LIMIT @limit`;
      const params = { seq, limit: size + 1, ...viewerParams(viewer) };
      for (const key of given) Object.assign(params, { [key]: filter[key] });

      const rows = prepared(sql).all(params) as EventRow[];
      const kept = rows.slice(0, size);
      const last = kept.at(-1);
      const nextCursor =
        rows.length > size && last
          ? encodeCursor([direction === 'forward' ? 'f' : 'b', last.seq])
          : null;
      return { items: kept.map(toView), nextCursor };
    },
  };
}
