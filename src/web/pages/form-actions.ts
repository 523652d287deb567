import type { FastifyReply, FastifyRequest } from 'fastify';
import { TowerError } from '../../errors/index.ts';
import { toProblem } from '../problem.ts';
import type { RequestAuth } from '../request-auth.ts';
import { viewerOf } from '../request-auth.ts';
import type { QueryViewer } from '../../projections/queries/index.ts';

/** Messages a form shows beside its fields; `_form` holds the one that names no field. */
export type FieldErrors = Record<string, string>;

/** Statuses a person fixes in the form itself; others (403, 404, 500) become the error page. */
const FORM_STATUSES = new Set([400, 409]);

/** Who asks; every page route but the login needs a signed-in user. */
export function authOf(request: FastifyRequest): RequestAuth {
  if (!request.auth) throw new TowerError('unauthenticated', 'Sign in first.');
  return request.auth;
}

export function viewerFor(request: FastifyRequest): QueryViewer {
  return viewerOf(authOf(request));
}

/** Admin pages: a user may not open them (403, as the API answers a user's admin command). */
export function requireAdminPage(request: FastifyRequest): RequestAuth {
  const auth = authOf(request);
  if (auth.actor.role !== 'admin') {
    throw new TowerError('forbidden', 'Only admins may open the admin pages.');
  }
  return auth;
}

/** Runs a command as the signed-in user. */
export function execute(request: FastifyRequest, type: string, input: Record<string, unknown>) {
  return request.server.web.tower.bus.execute(type, input, authOf(request).actor);
}

/**
 * The form errors of a failed command, or undefined when it is not the form's to show. A
 * field the command names by list position (`permissions.pub.allow.2`) is shown beside its
 * list; a field the form does not have goes to `_form`.
 */
export function formErrors(error: unknown, fields: readonly string[]): FieldErrors | undefined {
  const problem = toProblem(error);
  if (!FORM_STATUSES.has(problem.status)) return undefined;
  const field = problem.field?.replace(/(\.\d+)+$/u, '');
  return { [field && fields.includes(field) ? field : '_form']: problem.detail };
}

export interface FormSubmission {
  /** The form's field names, for placing a command's error beside its field. */
  fields: readonly string[];
  /** Runs the commands; answers where to go next. */
  action: () => Promise<string>;
  /** Renders the form again with the errors (the reply's status is already set). */
  rerender: (errors: FieldErrors) => FastifyReply;
}

/**
 * Handles a posted form: on success a 303 to the next page (for HTMX, `HX-Location` into the
 * main element); on a failure the person can fix, the form again with the message beside the
 * field and the command's status (400 or 409). Anything else goes to the error page.
 */
export async function submitForm(
  request: FastifyRequest,
  reply: FastifyReply,
  submission: FormSubmission,
): Promise<FastifyReply> {
  let location: string;
  try {
    location = await submission.action();
  } catch (error) {
    const errors = formErrors(error, submission.fields);
    if (!errors) throw error;
    reply.code(toProblem(error).status);
    return submission.rerender(errors);
  }
  return redirectAfterPost(request, reply, location);
}

/** Post/redirect/get; HTMX loads the next page into `#main` and pushes its address. */
export function redirectAfterPost(
  request: FastifyRequest,
  reply: FastifyReply,
  location: string,
): FastifyReply {
  if (request.headers['hx-request'] === 'true') {
    const target = JSON.stringify({ path: location, target: '#main' });
    return reply.code(200).header('hx-location', target).send('');
  }
  return reply.redirect(location, 303);
}

/** `?q=&cursor=` of a list page, bounded as the API bounds them. */
export function listQuery(request: FastifyRequest): { search: string; cursor?: string } {
  const query = request.query as Record<string, unknown>;
  const search = typeof query.q === 'string' ? query.q.slice(0, 100) : '';
  const cursor = typeof query.cursor === 'string' && query.cursor ? query.cursor : undefined;
  return cursor === undefined ? { search } : { search, cursor: cursor.slice(0, 500) };
}

/** The address of a list's next page, keeping its search. */
export function nextPageHref(path: string, search: string, cursor: string | null): string | null {
  if (!cursor) return null;
  const params = new URLSearchParams({ cursor });
  if (search) params.set('q', search);
  return `${path}?${params.toString()}`;
}
