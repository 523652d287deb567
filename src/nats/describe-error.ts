/** A one-line reason for logs and status pages: the error's message, never its stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
