import type { FastifyInstance, FastifyRequest } from 'fastify';
import { eventTypes } from '../../events/index.ts';
import type { EventFilter } from '../../projections/queries/index.ts';
import { viewerFor, type FieldErrors } from './form-actions.ts';
import { describeEvent, pageNames } from './event-descriptions.ts';
import { CACHED_PAGE, renderPage } from './render.ts';

const ID = /^[A-Za-z0-9_-]{1,64}$/u;

/** Where an entity of a stream type has its page, for the audit rows' links. */
const ENTITY_PAGES: Record<string, (id: string) => string> = {
  installation: (id) => `/installations/${id}`,
  account: (id) => `/accounts/${id}`,
  'nats-user': (id) => `/nats-users/${id}`,
  team: (id) => `/admin/teams/${id}`,
  'limit-profile': (id) => `/admin/limit-profiles/${id}`,
};

interface AuditQuery {
  entity: string;
  actor: string;
  type: string;
  cursor?: string;
}

function auditQuery(request: FastifyRequest): AuditQuery {
  const query = request.query as Record<string, unknown>;
  const field = (name: string) =>
    typeof query[name] === 'string' ? (query[name] as string).trim().slice(0, 254) : '';
  const cursor = field('cursor');
  return {
    entity: field('entity'),
    actor: field('actor'),
    type: field('type'),
    ...(cursor ? { cursor } : {}),
  };
}

/** The filter of the query; an actor may be given by email. Bad values are field errors. */
function eventFilter(request: FastifyRequest, query: AuditQuery) {
  const errors: FieldErrors = {};
  const filter: EventFilter = {};
  if (query.entity) {
    if (ID.test(query.entity)) filter.entityId = query.entity;
    else errors.entity = 'must be the id of an entity';
  }
  if (query.actor) {
    const byEmail = query.actor.includes('@')
      ? request.server.web.tower.reader.towerUserByEmail(query.actor.toLowerCase())?.id
      : undefined;
    if (byEmail || ID.test(query.actor)) filter.actorId = byEmail ?? query.actor;
    else errors.actor = 'must be the email or id of a Tower user';
  }
  if (query.type) {
    if ((eventTypes as readonly string[]).includes(query.type)) filter.type = query.type;
    else errors.type = 'is not an event type';
  }
  return { filter, errors };
}

function pageHref(query: AuditQuery, cursor: string | null): string | null {
  if (!cursor) return null;
  const params = new URLSearchParams({ cursor });
  for (const name of ['entity', 'actor', 'type'] as const) {
    if (query[name]) params.set(name, query[name]);
  }
  return `/audit?${params.toString()}`;
}

/**
 * The audit log, newest first: admins see every event; a user sees the events of the
 * installations and accounts visible to them (the events query decides).
 */
export async function auditPages(app: FastifyInstance): Promise<void> {
  const { queries } = app.web;

  app.get('/audit', CACHED_PAGE, async (request, reply) => {
    const viewer = viewerFor(request);
    const query = auditQuery(request);
    const { filter, errors } = eventFilter(request, query);
    const failed = Object.keys(errors).length > 0;
    const page = failed
      ? { items: [], nextCursor: null }
      : queries.events.summaries(viewer, filter, { cursor: query.cursor, limit: 50 });
    const names = pageNames(queries.names, viewer.admin, page.items);
    const rows = page.items.map((event) => ({
      seq: event.seq,
      type: event.type,
      occurredAt: event.occurredAt,
      actorId: event.actorId,
      actor:
        event.actorId === 'system' ? 'Tower' : names.user(event.actorId).replace(/^"|"$/gu, ''),
      description: describeEvent(event.type, event.data, names),
      streamType: event.streamType,
      streamId: event.streamId,
      entityHref: ENTITY_PAGES[event.streamType]?.(event.streamId),
    }));
    if (failed) reply.code(400);
    return renderPage(request, reply, 'audit/index', {
      title: 'Audit log',
      section: 'audit',
      rows,
      query,
      errors,
      eventTypes,
      admin: viewer.admin,
      nextHref: pageHref(query, page.nextCursor),
    });
  });
}
