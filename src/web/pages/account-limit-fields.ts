import type { AccountLimits, PartialLimits } from '../../domain/limits.ts';

/** One limit of an account as the forms show it; `name` is the form field and error key. */
export interface LimitField {
  name: string;
  label: string;
  kind: 'count' | 'bytes' | 'boolean';
  help: string;
  /** Reads the limit from a full or partial set of limits. */
  read(limits: PartialLimits | AccountLimits): number | boolean | undefined;
}

const plain = (key: keyof Omit<AccountLimits, 'jetstream'>) => (limits: PartialLimits) =>
  limits[key];
const js = (key: keyof AccountLimits['jetstream']) => (limits: PartialLimits) =>
  limits.jetstream?.[key];

function field(
  path: string,
  label: string,
  kind: LimitField['kind'],
  help: string,
): Omit<LimitField, 'read'> {
  return { name: `limits.${path}`, label, kind, help };
}

/** Every limit an account JWT carries, in the order the forms list them. */
export const LIMIT_FIELDS: LimitField[] = [
  {
    ...field('connections', 'Connections', 'count', 'Client connections at once.'),
    read: plain('connections'),
  },
  {
    ...field('leafNodes', 'Leaf nodes', 'count', 'Leaf node connections at once.'),
    read: plain('leafNodes'),
  },
  {
    ...field('subscriptions', 'Subscriptions', 'count', 'Subscriptions over all connections.'),
    read: plain('subscriptions'),
  },
  {
    ...field('payload', 'Payload', 'bytes', 'Largest message payload, in bytes.'),
    read: plain('payload'),
  },
  { ...field('data', 'Data', 'bytes', 'Bytes in flight, in bytes.'), read: plain('data') },
  {
    ...field('imports', 'Imports', 'count', 'Streams and services imported.'),
    read: plain('imports'),
  },
  {
    ...field('exports', 'Exports', 'count', 'Streams and services exported.'),
    read: plain('exports'),
  },
  {
    ...field('wildcardExports', 'Wildcard exports', 'boolean', 'May exports use wildcards?'),
    read: plain('wildcardExports'),
  },
  {
    ...field(
      'jetstream.memoryStorage',
      'JetStream memory',
      'bytes',
      'Memory storage of all streams, in bytes; 0 disables memory streams.',
    ),
    read: js('memoryStorage'),
  },
  {
    ...field(
      'jetstream.diskStorage',
      'JetStream disk',
      'bytes',
      'File storage of all streams, in bytes; 0 disables file streams.',
    ),
    read: js('diskStorage'),
  },
  { ...field('jetstream.streams', 'Streams', 'count', 'JetStream streams.'), read: js('streams') },
  {
    ...field('jetstream.consumers', 'Consumers', 'count', 'JetStream consumers.'),
    read: js('consumers'),
  },
  {
    ...field(
      'jetstream.maxAckPending',
      'Max ack pending',
      'count',
      'Unacknowledged messages per consumer.',
    ),
    read: js('maxAckPending'),
  },
  {
    ...field(
      'jetstream.memoryMaxStreamBytes',
      'Memory stream size',
      'bytes',
      'Largest memory stream, in bytes.',
    ),
    read: js('memoryMaxStreamBytes'),
  },
  {
    ...field(
      'jetstream.diskMaxStreamBytes',
      'Disk stream size',
      'bytes',
      'Largest file stream, in bytes.',
    ),
    read: js('diskMaxStreamBytes'),
  },
  {
    ...field(
      'jetstream.maxBytesRequired',
      'Max bytes required',
      'boolean',
      'Must every stream set a size limit?',
    ),
    read: js('maxBytesRequired'),
  },
];

const WHOLE_NUMBER = /^-?\d+$/u;

/**
 * The limits typed into a form: an empty field is left out (the profile's value counts), a
 * whole number becomes a number, anything else stays text so the command names the field.
 */
export function limitsFromForm(body: Record<string, unknown>): Record<string, unknown> {
  const limits: Record<string, unknown> = {};
  const jetstream: Record<string, unknown> = {};
  for (const { name, kind } of LIMIT_FIELDS) {
    const raw = body[name];
    const text = typeof raw === 'string' ? raw.trim() : raw;
    if (text === '' || text === undefined) continue;
    let value: unknown = text;
    if (kind === 'boolean' && (text === 'true' || text === 'false')) value = text === 'true';
    if (kind !== 'boolean' && typeof text === 'string' && WHOLE_NUMBER.test(text)) {
      value = Number(text);
    }
    const key = name.split('.').at(-1)!;
    if (name.startsWith('limits.jetstream.')) jetstream[key] = value;
    else limits[key] = value;
  }
  if (Object.keys(jetstream).length > 0) limits.jetstream = jetstream;
  return limits;
}

/** The form's text for every limit field, from the limits an account sets itself. */
export function limitFormValues(limits: PartialLimits): Record<string, string> {
  return Object.fromEntries(
    LIMIT_FIELDS.map((f) => {
      const value = f.read(limits);
      return [f.name, value === undefined ? '' : String(value)];
    }),
  );
}

/**
 * The profile choice of a form: `default` (create only: the default profile), `none` (no
 * profile, only the account's own limits) or a profile id.
 */
export function profileFromForm(value: unknown): string | null | undefined {
  if (value === undefined || value === '' || value === 'default') return undefined;
  if (value === 'none') return null;
  return String(value);
}
