import type { FastifyReply, FastifyRequest } from 'fastify';
import { TowerError, isTowerError } from '../../errors/index.ts';
import { viewerOf } from '../request-auth.ts';
import type { WebContext } from '../web-context.ts';
import type { ApiContext, CommandStep } from './api-route.ts';
import { commandOptions, ifMatchVersion, takesExpectedVersion } from './command-options.ts';

export const API_PREFIX = '/api/v1';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/u;

/** Path parameters that cannot be ids name nothing that exists: 404, as for any unknown id. */
function checkedParams(params: unknown): Record<string, string> {
  const checked = (params ?? {}) as Record<string, string>;
  for (const value of Object.values(checked)) {
    if (!ID_PATTERN.test(value)) throw new TowerError('not_found', `No entity with id "${value}".`);
  }
  return checked;
}

/** Builds the context a route handler works with, for a signed-in request. */
export function apiContext<Body, Query>(
  request: FastifyRequest,
  reply: FastifyReply,
  web: WebContext,
  input: { body: Body; query: Query },
): ApiContext<Body, Query> {
  const auth = request.auth;
  if (!auth) throw new TowerError('unauthenticated', 'Sign in first.');
  let part = 0;
  let lastReplayed = false;

  const run = async (type: string, commandInput: Record<string, unknown>) => {
    const versioned = { ...commandInput };
    const fromHeader = ifMatchVersion(request);
    if (
      versioned.expectedVersion === undefined &&
      fromHeader !== undefined &&
      takesExpectedVersion(type)
    ) {
      versioned.expectedVersion = fromHeader;
    }
    part += 1;
    const result = await web.tower.bus.execute(
      type,
      versioned,
      auth.actor,
      commandOptions(request, auth, `${part}`),
    );
    lastReplayed = result.replayed;
    return result;
  };

  const runSteps = async (steps: CommandStep[]) => {
    let expected = (input.body as { expectedVersion?: number } | undefined)?.expectedVersion;
    expected ??= ifMatchVersion(request);
    // The version the client read is checked by the first command that can check it; the
    // others run in the same savepoint right after it, so nothing can come between them.
    const unit = steps.map((step) => {
      const stepInput = { ...step.input };
      if (expected !== undefined && takesExpectedVersion(step.type)) {
        stepInput.expectedVersion = expected;
        expected = undefined;
      }
      part += 1;
      return {
        type: step.type,
        input: stepInput,
        options: commandOptions(request, auth, `${part}`),
      };
    });
    const results = await web.tower.bus.executeAll(unit, auth.actor);
    lastReplayed = results.every((result) => result.replayed);
  };

  return {
    request,
    reply,
    auth,
    viewer: viewerOf(auth),
    params: checkedParams(request.params),
    body: input.body,
    query: input.query,
    web,
    run,
    runSteps,
    created: (path, id, load) => {
      reply.code(201).header('location', `${API_PREFIX}${path}`);
      try {
        return load();
      } catch (error) {
        if (lastReplayed && isTowerError(error) && error.code === 'not_found') {
          return { id, deleted: true as const };
        }
        throw error;
      }
    },
  };
}
