import { z } from 'zod';
import { MAX_PAGE_SIZE, type PageRequest } from '../../projections/queries/index.ts';

/** `?limit=&cursor=&q=` of every list: at most 100 items, from a cursor, matching a name. */
export const pageQuery = z
  .object({
    limit: z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(MAX_PAGE_SIZE, { error: `must be at most ${MAX_PAGE_SIZE}` })
      .optional(),
    cursor: z.string().max(500, { error: 'is too long' }).optional(),
    q: z.string().max(100, { error: 'must be at most 100 characters' }).optional(),
  })
  .strict();

export function pageRequest(query: z.output<typeof pageQuery>): PageRequest {
  return { limit: query.limit, cursor: query.cursor, search: query.q };
}
