import { z } from 'zod';
import { idSchema } from '../../commands/rules.ts';
import { apiRoute } from './api-route.ts';
import { JsonText } from './json-text.ts';
import { pageQuery } from './page-query.ts';

const eventQuery = pageQuery
  .omit({ q: true })
  .extend({
    /** List forward from this sequence number (as tooling follows the log); newest first without. */
    after: z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(0, { error: 'must be 0 or more' })
      .optional(),
    type: z
      .string()
      .regex(/^[A-Za-z]{1,64}$/u, { error: 'must be an event type' })
      .optional(),
    actorId: idSchema.optional(),
    entityId: idSchema.optional(),
    installationId: idSchema.optional(),
    accountId: idSchema.optional(),
  })
  .strict();

export const eventRoutes = [
  apiRoute({
    method: 'GET',
    path: '/events',
    cache: true,
    tag: 'events',
    summary:
      'The audit log, newest first (or forward from ?after=SEQ), of what you may see; filter ' +
      'by type, actor, entity, installation or account',
    query: eventQuery,
    handle: (ctx) => {
      const { limit, cursor, after, ...filter } = ctx.query;
      return new JsonText(
        ctx.web.queries.events.listJson(ctx.viewer, filter, { limit, cursor, after }),
      );
    },
  }),
];
