import { errorCatalog, isTowerError, type ErrorCode } from '../errors/index.ts';

/**
 * An error as the API returns it: RFC 9457 problem details, with Tower's stable `code` and the
 * `field` it concerns. The pages render the same object as HTML.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  field?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** The status codes Fastify itself raises (body limits, parsers), in Tower's codes. */
const FRAMEWORK_CODES: Record<number, ErrorCode> = {
  400: 'invalid_input',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

function problemFor(code: ErrorCode, detail: string, field?: string): Problem {
  const { status, title } = errorCatalog[code];
  const problem: Problem = { type: `urn:nats-tower:error:${code}`, title, status, detail, code };
  if (field) problem.field = field;
  return problem;
}

/**
 * The problem for any thrown value. A TowerError keeps its code, message and field; the
 * framework's own client errors keep their status; anything else is `internal`, with no detail
 * that could leak how Tower is built (the log has the stack).
 */
export function toProblem(error: unknown): Problem {
  if (isTowerError(error)) return problemFor(error.code, error.message, error.field);

  const status = (error as { statusCode?: number } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = FRAMEWORK_CODES[status] ?? 'invalid_input';
    const field = code === 'invalid_input' ? 'body' : undefined;
    return problemFor(code, (error as Error).message, field);
  }
  return problemFor('internal', 'Tower hit an unexpected error; the server log has the details.');
}
