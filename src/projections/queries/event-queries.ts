import type { Database, Statement } from 'better-sqlite3';
import { TowerError } from '../../errors/index.ts';
import { eventRegistry, upcast, type StreamType } from '../../events/index.ts';
import {
  decodeCursor,
  encodeCursor,
  pageJson,
  pageSize,
  type Page,
  type PageRequest,
} from './page.ts';
import {
  accountVisibleSql,
  installationVisibleSql,
  viewerParams,
  type QueryViewer,
} from './viewer.ts';
import { limitSql } from '../../store/database.ts';
import { KeptValues } from './kept-values.ts';

/**
 * How many events' summaries and JSON texts are kept decoded: about 80 pages of the audit list,
 * some 2 MB each. Reading and decoding the rows costs several times choosing them.
 */
const KEPT_EVENTS = 4096;

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

/** Every stream type, so that a filter by entity id can seek the log's stream index. */
const STREAM_TYPES = [
  'tower-user',
  'team',
  'installation',
  'limit-profile',
  'account',
  'nats-user',
  'api-token',
] as const satisfies readonly StreamType[];

const FILTERS: Record<keyof EventFilter, string> = {
  type: 'e.type = @type',
  actorId: `json_extract(e.metadata, '$.actorId') = @actorId`,
  entityId: `e.stream_type IN (${STREAM_TYPES.map((t) => `'${t}'`).join(', ')})
    AND e.stream_id = @entityId`,
  installationId: 'e.installation_id = @installationId',
  accountId: 'e.account_id = @accountId',
};

/**
 * A user sees the events of installations and accounts (with their NATS users) they may see
 * now; events of Tower users, teams, profiles and tokens are for admins. The log's scope tags
 * (`installation_id`, `account_id`) say what each event concerns.
 */
const VISIBLE = `(@admin = 1 OR (
  EXISTS (SELECT 1 FROM installations i
    WHERE i.id = e.installation_id AND ${installationVisibleSql('i.id')})
  AND (e.account_id IS NULL OR EXISTS (SELECT 1 FROM accounts a
    WHERE a.id = e.account_id AND ${accountVisibleSql('a.id', 'a.installation_id')}))))`;

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

/** The columns the view needs; the metadata fields come out of SQLite, not JSON.parse. */
const VIEW_COLUMNS = `e.seq, e.event_id, e.type, e.stream_type, e.stream_id, e.version,
  e.schema_version, e.data, e.hash,
  json_extract(e.metadata, '$.actorId') AS actor_id,
  json_extract(e.metadata, '$.occurredAt') AS occurred_at,
  json_extract(e.metadata, '$.commandId') AS command_id,
  json_extract(e.metadata, '$.correlationId') AS correlation_id`;

interface ViewRow {
  seq: number;
  event_id: string;
  type: string;
  stream_type: string;
  stream_id: string;
  version: number;
  schema_version: number;
  data: string;
  hash: string;
  actor_id: string;
  occurred_at: string;
  command_id: string;
  correlation_id: string;
}

/** What the audit page shows of an event: no ids, hashes or correlation. */
export type EventSummary = Pick<
  EventView,
  'seq' | 'type' | 'streamType' | 'streamId' | 'data' | 'actorId' | 'occurredAt'
>;

const SUMMARY_COLUMNS = `e.seq, e.type, e.stream_type, e.stream_id, e.schema_version, e.data,
  e.metadata ->> '$.actorId' AS actor_id, e.metadata ->> '$.occurredAt' AS occurred_at`;

type SummaryRow = Pick<
  ViewRow,
  | 'seq'
  | 'type'
  | 'stream_type'
  | 'stream_id'
  | 'schema_version'
  | 'data'
  | 'actor_id'
  | 'occurred_at'
>;

function toSummary(row: SummaryRow): EventSummary {
  return {
    seq: row.seq,
    type: row.type,
    streamType: row.stream_type,
    streamId: row.stream_id,
    data: upcast(row.type, row.schema_version, JSON.parse(row.data)),
    actorId: row.actor_id,
    occurredAt: row.occurred_at,
  };
}

/**
 * An event as JSON, built by SQLite in the key order of `toView`: a page of the audit list is
 * sent as it comes. An event stored under an older schema version is upcast in JS.
 */
const JSON_COLUMNS = `e.seq, e.type, e.schema_version, json_object('seq', e.seq,
  'eventId', e.event_id, 'type', e.type, 'streamType', e.stream_type, 'streamId', e.stream_id,
  'version', e.version, 'data', json(e.data), 'actorId', e.metadata ->> '$.actorId',
  'occurredAt', e.metadata ->> '$.occurredAt', 'commandId', e.metadata ->> '$.commandId',
  'correlationId', e.metadata ->> '$.correlationId', 'hash', e.hash) AS json`;

interface JsonRow {
  seq: number;
  type: string;
  schema_version: number;
  json: string;
}

function upcastJson(row: JsonRow): string {
  if (row.schema_version >= (eventRegistry.get(row.type)?.schemaVersion ?? 0)) return row.json;
  const view = JSON.parse(row.json) as EventView;
  view.data = upcast(row.type, row.schema_version, view.data as Record<string, unknown>);
  return JSON.stringify(view);
}

function toView(row: ViewRow): EventView {
  return {
    seq: row.seq,
    eventId: row.event_id,
    type: row.type,
    streamType: row.stream_type,
    streamId: row.stream_id,
    version: row.version,
    data: upcast(row.type, row.schema_version, JSON.parse(row.data)),
    actorId: row.actor_id,
    occurredAt: row.occurred_at,
    commandId: row.command_id,
    correlationId: row.correlation_id,
    hash: row.hash,
  };
}

export type EventQueries = ReturnType<typeof eventQueries>;

/** The audit list: events filtered by the log's indexes, paged by sequence number. */
export function eventQueries(db: Database) {
  const statements = new Map<string, Statement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };

  /** One page of rows with the given columns, and the cursor of the page after it. */
  const page = <Row extends { seq: number }>(
    columns: string,
    viewer: QueryViewer,
    filter: EventFilter,
    request: EventPageRequest,
  ): Page<Row> => {
    const { direction, seq } = position(request);
    const size = pageSize(request);
    const given = (Object.keys(FILTERS) as (keyof EventFilter)[]).filter(
      (key) => filter[key] !== undefined,
    );
    const sql = `SELECT ${columns} FROM events e
      WHERE ${direction === 'forward' ? 'e.seq > @seq' : 'e.seq < @seq'}
        ${given.map((key) => `AND ${FILTERS[key]}`).join(' ')}
        AND ${VISIBLE}
      ORDER BY e.seq ${direction === 'forward' ? 'ASC' : 'DESC'} ${limitSql('@limit')}`;
    const params = { seq, limit: size + 1, ...viewerParams(viewer) };
    for (const key of given) Object.assign(params, { [key]: filter[key] });

    const rows = prepared(sql).all(params) as Row[];
    const kept = rows.slice(0, size);
    const last = kept.at(-1);
    const nextCursor =
      rows.length > size && last
        ? encodeCursor([direction === 'forward' ? 'f' : 'b', last.seq])
        : null;
    return { items: kept, nextCursor };
  };

  /** The given events' rows with the given columns, read by sequence number. */
  const rowsOf = <Row extends { seq: number }>(columns: string, seqs: number[]): Row[] =>
    prepared(
      `SELECT ${columns} FROM events e WHERE e.seq IN (SELECT value FROM json_each(@seqs))`,
    ).all({ seqs: JSON.stringify(seqs) }) as Row[];

  /** One page, its events chosen by SQLite and their contents taken from `kept` where kept. */
  const keptPage = <Row extends { seq: number }, V>(
    kept: KeptValues<number, V>,
    columns: string,
    toValue: (row: Row) => V,
    viewer: QueryViewer,
    filter: EventFilter,
    request: EventPageRequest,
  ): Page<V> => {
    const { items, nextCursor } = page<{ seq: number }>('e.seq', viewer, filter, request);
    const values = kept.of(
      items.map((item) => item.seq),
      (missing) => rowsOf<Row>(columns, missing).map((row) => [row.seq, toValue(row)]),
    );
    return { items: values, nextCursor };
  };
  const keptSummaries = new KeptValues<number, EventSummary>(KEPT_EVENTS);
  const keptJson = new KeptValues<number, string>(KEPT_EVENTS);

  return {
    list(
      viewer: QueryViewer,
      filter: EventFilter = {},
      request: EventPageRequest = {},
    ): Page<EventView> {
      const { items, nextCursor } = page<ViewRow>(VIEW_COLUMNS, viewer, filter, request);
      return { items: items.map(toView), nextCursor };
    },

    /** The same page as `list`, with what the audit page shows of each event. */
    summaries(
      viewer: QueryViewer,
      filter: EventFilter = {},
      request: EventPageRequest = {},
    ): Page<EventSummary> {
      return keptPage(keptSummaries, SUMMARY_COLUMNS, toSummary, viewer, filter, request);
    },

    /** The same page as `list`, as the JSON text of `JSON.stringify(list(...))`. */
    listJson(
      viewer: QueryViewer,
      filter: EventFilter = {},
      request: EventPageRequest = {},
    ): string {
      return pageJson(keptPage(keptJson, JSON_COLUMNS, upcastJson, viewer, filter, request));
    },
  };
}
