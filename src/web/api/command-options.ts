import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CommandOptions } from '../../app/command-bus.ts';
import { commandRegistry } from '../../commands/index.ts';
import { TowerError } from '../../errors/index.ts';
import type { RequestAuth } from '../request-auth.ts';

const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,200}$/u);

/**
 * The command id for a request with an `Idempotency-Key`: scoped to the user, so that two
 * users' keys never meet, and to the part of the request, for requests of several commands.
 */
export function commandOptions(
  request: FastifyRequest,
  auth: RequestAuth,
  part: string,
): CommandOptions {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return {};
  if (typeof header !== 'string' || !idempotencyKeySchema.safeParse(header).success) {
    throw new TowerError(
      'invalid_input',
      'Idempotency-Key must be 1 to 200 visible ASCII characters',
      {
        field: 'Idempotency-Key',
      },
    );
  }
  return { commandId: `api:${auth.actor.userId}:${header}:${part}` };
}

/** The version of `If-Match: "3"` (also `W/"3"` or `3`), or undefined without the header. */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d{1,15})"?$/u.exec(String(header).trim());
  if (!match) {
    throw new TowerError('invalid_input', 'If-Match must be a version, such as "3"', {
      field: 'If-Match',
    });
  }
  return Number(match[1]);
}

/** Whether a command takes an `expectedVersion` (commands without a target do not). */
export function takesExpectedVersion(type: string): boolean {
  const schema = commandRegistry.get(type)?.schema as
    { shape?: Record<string, unknown> } | undefined;
  return schema?.shape !== undefined && 'expectedVersion' in schema.shape;
}
