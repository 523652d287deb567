import { isTowerError } from '../errors/index.ts';

/**
 * The line a person sees for a failed command: `error [code] message (field: x)`. A TowerError
 * is an expected outcome and gets no stack trace; anything else is a bug, and its stack helps.
 */
export function formatError(error: unknown): string {
  if (isTowerError(error)) {
    const field = error.field ? ` (field: ${error.field})` : '';
    return `error [${error.code}] ${error.message}${field}`;
  }
  if (error instanceof Error) return `error [internal] ${error.stack ?? error.message}`;
  return `error [internal] ${String(error)}`;
}
