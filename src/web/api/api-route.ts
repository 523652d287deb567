import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { CommandResult } from '../../app/command-bus.ts';
import type { QueryViewer } from '../../projections/queries/index.ts';
import type { RequestAuth, RouteAuth } from '../request-auth.ts';
import type { WebContext } from '../web-context.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One command of a request that runs several (a PATCH touching several aspects). */
export interface CommandStep {
  type: string;
  input: Record<string, unknown>;
}

/** What a route handler gets: the checked input, who asks, and the means to answer. */
export interface ApiContext<Body, Query> {
  request: FastifyRequest;
  reply: FastifyReply;
  auth: RequestAuth;
  viewer: QueryViewer;
  /** Path parameters; each was checked to look like an id (anything else is 404). */
  params: Record<string, string>;
  body: Body;
  query: Query;
  web: WebContext;
  /**
   * Runs a command as the requester. `Idempotency-Key` becomes its command id; `If-Match`
   * becomes its `expectedVersion` unless the input has one.
   */
  run(type: string, input: Record<string, unknown>): Promise<CommandResult>;
  /**
   * Runs the commands of one request in order as one unit: every input is checked first, and
   * they are stored together or, when the domain refuses one, not at all. The version the
   * client read (`If-Match` or `expectedVersion`) is checked by the first of them.
   */
  runSteps(steps: CommandStep[]): Promise<void>;
  /**
   * Answers 201 with the new entity. A retried create (same Idempotency-Key) whose entity was
   * deleted since still gets its first outcome: the id, marked deleted.
   */
  created<T>(path: string, id: string, load: () => T): T | { id: string; deleted: true };
}

/**
 * A JSON API route under /api/v1. The same zod schemas validate the input and document it in
 * the OpenAPI document. A handler returns the response body: an object (JSON), a string (its
 * content type set by the handler) or undefined (204).
 */
export interface ApiRoute<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  /** Relative to /api/v1, in Fastify's syntax (`/accounts/:id`). */
  path: string;
  summary: string;
  tag: string;
  body?: B;
  query?: Q;
  /** The success status when the handler returns a body; 200 when left out. */
  status?: number;
  /** The success response's content: JSON (default) or plain text. */
  produces?: 'json' | 'text';
  auth?: RouteAuth;
  /**
   * True for a GET whose answer comes from the read models alone (no clock, no live NATS data,
   * no secret): it is kept until the next commit (src/web/response-cache.ts).
   */
  cache?: boolean;
  handle(ctx: ApiContext<z.output<B>, z.output<Q>>): unknown;
}

/** Declares a route with its types checked against its schemas. */
export function apiRoute<
  B extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
>(route: ApiRoute<B, Q>): ApiRoute<B, Q> {
  return route;
}

/** Any route, for the lists that register and document them. */
export type AnyApiRoute = ApiRoute<z.ZodType, z.ZodType>;
