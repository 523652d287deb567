import { z } from 'zod';
import { secretEntry } from '../domain/secret-entries.ts';
import { TowerError } from '../errors/index.ts';
import { event } from '../events/index.ts';
import { defineCommand, type Actor } from './define-command.ts';
import type { ApiTokenState } from './domain-reader.ts';
import {
  expectedVersionSchema,
  idSchema,
  isAdmin,
  nameSchema,
  notFound,
  present,
} from './rules.ts';

/** The SHA-256 (hex) of the token's secret part; the secret itself never reaches a command. */
const secretDigestSchema = z
  .string({ error: 'must be a string' })
  .regex(/^[0-9a-f]{64}$/u, { error: 'must be a SHA-256 digest in hex' });

const expirySchema = z.iso
  .datetime({
    offset: true,
    error: 'must be an ISO-8601 date and time, such as 2027-01-31T12:00:00Z',
  })
  .nullable();

/**
 * Creates an API token for the acting user. The caller makes the secret, shows the token once
 * and hands the command only the secret's digest, which goes to the keystore, never to the event.
 */
export const CreateApiToken = defineCommand({
  type: 'CreateApiToken',
  schema: z
    .object({
      name: nameSchema,
      expiresAt: expirySchema.default(null),
      secretDigest: secretDigestSchema,
    })
    .strict(),
  secretFields: ['secretDigest'],
  load: (_reader, _command, actor) => ({ owner: actor.userId }),
  authorize: (actor) => {
    if (actor.role === 'system') {
      throw new TowerError('forbidden', 'API tokens belong to Tower users, not to Tower itself.');
    }
  },
  decide: (state, command, ctx) => {
    if (command.expiresAt && Date.parse(command.expiresAt) <= Date.parse(ctx.now)) {
      throw new TowerError('invalid_input', 'expiresAt must be in the future.', {
        field: 'expiresAt',
        context: { rule: 'must be in the future' },
      });
    }
    return [
      event('ApiTokenCreated', {
        tokenId: ctx.newId(),
        userId: state.owner,
        name: command.name,
        expiresAt: command.expiresAt,
      }),
    ];
  },
  secrets: (command, events) =>
    events.map((e) => ({
      id: secretEntry.token((e.data as { tokenId: string }).tokenId),
      value: command.secretDigest,
    })),
});

/** A token is the business of its owner; an admin may revoke anyone's. */
function assertMayManage(actor: Actor, token: ApiTokenState | undefined, tokenId: string) {
  if (!token || (token.userId !== actor.userId && !isAdmin(actor))) {
    throw notFound('API token', tokenId, 'tokenId');
  }
}

export const RevokeApiToken = defineCommand({
  type: 'RevokeApiToken',
  schema: z.object({ tokenId: idSchema, expectedVersion: expectedVersionSchema }).strict(),
  target: (command) => ({ streamType: 'api-token' as const, streamId: command.tokenId }),
  load: (reader, command) => ({ token: reader.apiToken(command.tokenId) }),
  authorize: (actor, state, command) => {
    assertMayManage(actor, state.token, command.tokenId);
  },
  decide: (state, command) => {
    const token = present(state.token, 'API token', command.tokenId, 'tokenId');
    if (token.revoked) return [];
    return [event('ApiTokenRevoked', { tokenId: token.id, userId: token.userId })];
  },
  // The digest opens nothing any more, so it goes.
  secrets: (_command, events) =>
    events.map((e) => ({
      id: secretEntry.token((e.data as { tokenId: string }).tokenId),
      value: null,
    })),
});
