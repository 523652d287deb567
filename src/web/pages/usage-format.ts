/** One figure against its limit, ready for a `<meter>`: -1 (or no limit) is unlimited. */
export interface Usage {
  used: number;
  /** The meter's maximum: the limit, or the figure itself when there is none. */
  max: number;
  unlimited: boolean;
  /** At or above 80 % of the limit. */
  high: boolean;
  /** "3 / 10", "1.2 MiB / 1 GiB" or "3 (unlimited)". */
  text: string;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** One formatter for every count: `toLocaleString` builds a new one on each call. */
const COUNT_FORMAT = new Intl.NumberFormat('en');

/** A count with thousands separators: 12,345. */
export function count(value: number): string {
  return COUNT_FORMAT.format(value);
}

/** A byte count as people read it: 1.5 MiB. */
export function bytes(value: number): string {
  let unit = 0;
  let scaled = value;
  while (Math.abs(scaled) >= 1024 && unit < UNITS.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || scaled >= 100 ? 0 : 1;
  return `${scaled.toFixed(digits)} ${UNITS[unit]}`;
}

/** A limit as text: -1 is "unlimited", sizes in bytes units. */
export function limitText(value: number | boolean | undefined, inBytes = false): string {
  if (value === undefined) return 'from the profile';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value === -1) return 'unlimited';
  return inBytes ? bytes(value) : count(value);
}

/** A used amount against a limit (`-1` unlimited, `0` none allowed). */
export function usage(used: number, limit: number, inBytes = false): Usage {
  const show = (value: number) => (inBytes ? bytes(value) : count(value));
  const unlimited = limit < 0;
  const max = unlimited ? Math.max(used, 1) : Math.max(limit, 1);
  const high = !unlimited && used >= limit * 0.8;
  const text = unlimited ? `${show(used)} (unlimited)` : `${show(used)} / ${show(limit)}`;
  return { used, max, unlimited, high, text };
}

/** The helpers the views call, passed to them as `it.fmt`. */
export const fmt = { bytes, count, limitText, usage };
