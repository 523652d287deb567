import { eventually } from '../../helpers/eventually.ts';

/** Polls every 100 ms for up to 20 s: the pace of a whole `tower serve` process. */
export function waitUntil<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  return eventually(check, what, timeoutMs, 100);
}
