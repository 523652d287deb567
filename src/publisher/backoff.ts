/** How long a failed publication waits before the next try. */
export interface BackoffOptions {
  /** The wait after the first failure. */
  baseMs: number;
  /** The longest wait, however many attempts failed. */
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({ baseMs: 500, capMs: 30_000 });

/**
 * The wait before attempt `attempts + 1`: doubling from the base up to the cap, with half of it
 * random ("equal jitter"), so installations that failed together do not retry in step.
 *
 * @example backoffDelay(3, { baseMs: 500, capMs: 30_000 }) // between 1000 and 2000
 */
export function backoffDelay(
  attempts: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
