import { z } from 'zod';
import { defineEvent } from './define-event.ts';

const byToken = (data: { tokenId: string }) => data.tokenId;

/**
 * A Tower user made an API token. The token's secret is never part of an event: the keystore
 * holds its SHA-256, and the user saw the token once.
 */
export const ApiTokenCreated = defineEvent({
  type: 'ApiTokenCreated',
  streamType: 'api-token',
  schema: z.object({
    tokenId: z.string(),
    userId: z.string(),
    name: z.string(),
    /** ISO-8601 time after which the token no longer authenticates; null for never. */
    expiresAt: z.string().nullable(),
  }),
  streamIdOf: byToken,
});

export const ApiTokenRevoked = defineEvent({
  type: 'ApiTokenRevoked',
  streamType: 'api-token',
  schema: z.object({ tokenId: z.string(), userId: z.string() }),
  streamIdOf: byToken,
});
