import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { PageRequest, TeamName } from '../../projections/queries/index.ts';
import type { QueryViewer } from '../../projections/queries/index.ts';
import { fieldErrors } from './render.ts';

/** True for an HTMX request that swaps part of the page (not a boosted navigation). */
export function isHtmx(request: FastifyRequest): boolean {
  return request.headers['hx-request'] === 'true' && !request.headers['hx-boosted'];
}

/** The element an HTMX request will swap, e.g. `account-list`; undefined for a full page. */
export function htmxTarget(request: FastifyRequest): string | undefined {
  if (!isHtmx(request)) return undefined;
  const target = request.headers['hx-target'];
  return typeof target === 'string' ? target : undefined;
}

/** `?q=&cursor=` of a list page: a search (at most 100 characters) and a page cursor. */
export function listRequest(query: unknown): PageRequest & { q: string } {
  const { q, cursor } = (query ?? {}) as { q?: unknown; cursor?: unknown };
  const search = typeof q === 'string' ? q.slice(0, 100) : '';
  const from = typeof cursor === 'string' && cursor.length <= 500 ? cursor : undefined;
  return { search: search || undefined, cursor: from, limit: 25, q: search };
}

/** A form field that may appear several times (a multi-select), as a list. */
export function formList(value: unknown): string[] {
  if (value === undefined || value === '') return [];
  return [value].flat().filter((item): item is string => typeof item === 'string' && item !== '');
}

/** A single form field as text; a repeated field is not a text and stays as it came. */
export function formText(value: unknown): unknown {
  return typeof value === 'string' ? value : value === undefined ? '' : value;
}

/** A textarea of one entry per line, blank lines dropped. */
export function formLines(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value
    .split(/\r?\n/u)
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * A failed command as form errors: its status and the message under the form field it
 * concerns (`urls.2` is shown beside `urls`, `teams.0` beside `teams`).
 */
export function formErrors(error: unknown): { status: number; errors: Record<string, string> } {
  const { problem } = fieldErrors(error);
  if (!isFormProblem(problem.status, problem.field)) throw error;
  const field = (problem.field ?? '_form').replace(/^(urls|teams)\.\d+$/u, '$1');
  return { status: problem.status, errors: { [field]: problem.detail } };
}

/**
 * Whether a refusal belongs beside the form: not a fault, not a forbidden action, and not the
 * page's own entity gone or hidden (those are error pages, as for a GET).
 */
function isFormProblem(status: number, field: string | undefined): boolean {
  if (status >= 500 || status === 401 || status === 403) return false;
  return !(status === 404 && (!field || field === 'installationId' || field === 'accountId'));
}

/**
 * Answers a successful form post: 303 to the page that shows the result, or for HTMX a
 * partial navigation there (`HX-Location`), so that the new page replaces the main area.
 */
export function afterChange(request: FastifyRequest, reply: FastifyReply, path: string) {
  if (isHtmx(request)) {
    return reply.header('hx-location', JSON.stringify({ path, target: '#main' })).send('');
  }
  return reply.redirect(path, 303);
}

/** Every team the viewer may see (admins: all), by name; at most 1,000. */
export function visibleTeams(app: FastifyInstance, viewer: QueryViewer): TeamName[] {
  return app.web.queries.teams.names(viewer, 1_000);
}

/** The names of team ids; a team the viewer may not see is shown as such, not by its id. */
export function teamNames(teams: readonly TeamName[], ids: readonly string[]): string[] {
  const names = new Map(teams.map((team) => [team.id, team.name]));
  return ids.map((id) => names.get(id) ?? 'another team');
}
