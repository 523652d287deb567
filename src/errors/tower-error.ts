import { errorCatalog, type ErrorCode } from './error-catalog.ts';

export interface TowerErrorOptions {
  /** The input field the error concerns, as a dotted path (`limits.payload`). */
  field?: string;
  /** Extra facts for logs and API problems; never a secret. */
  context?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error type of Tower. Each carries a stable code from the catalog, the HTTP status
 * that code maps to, a message a person understands and, where it applies, the field.
 *
 * @example throw new TowerError('name_taken', 'An account named "orders" already exists', { field: 'name' })
 */
export class TowerError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly context: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: TowerErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TowerError';
    this.code = code;
    this.status = errorCatalog[code].status;
    this.field = options.field;
    this.context = options.context ?? {};
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, field: this.field, ...this.context };
  }
}

export function isTowerError(error: unknown): error is TowerError {
  return error instanceof TowerError;
}
