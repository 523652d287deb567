import type { AccountLimits } from '../../domain/limits.ts';
import { UNLIMITED } from '../../domain/limits.ts';
import { checked, numberField, text, type Form } from './form-input.ts';

/** The count and size limits of an account, as form fields, with their labels. */
export const NUMBER_LIMITS = [
  ['limits.connections', 'Connections'],
  ['limits.leafNodes', 'Leaf nodes'],
  ['limits.subscriptions', 'Subscriptions'],
  ['limits.payload', 'Payload (bytes)'],
  ['limits.data', 'Data (bytes)'],
  ['limits.imports', 'Imports'],
  ['limits.exports', 'Exports'],
  ['limits.jetstream.memoryStorage', 'JetStream memory storage (bytes)'],
  ['limits.jetstream.diskStorage', 'JetStream disk storage (bytes)'],
  ['limits.jetstream.streams', 'JetStream streams'],
  ['limits.jetstream.consumers', 'JetStream consumers'],
  ['limits.jetstream.maxAckPending', 'JetStream max ack pending'],
  ['limits.jetstream.memoryMaxStreamBytes', 'JetStream max memory stream (bytes)'],
  ['limits.jetstream.diskMaxStreamBytes', 'JetStream max disk stream (bytes)'],
] as const;

export const FLAG_LIMITS = [
  ['limits.wildcardExports', 'Wildcard exports allowed'],
  ['limits.jetstream.maxBytesRequired', 'Streams must set max bytes'],
] as const;

export const PROFILE_FIELDS = [
  'name',
  'description',
  ...NUMBER_LIMITS.map(([name]) => name),
  ...FLAG_LIMITS.map(([name]) => name),
];

/** The value at a dotted path (`limits.jetstream.streams`) of the limits. */
function at(limits: AccountLimits, path: string): unknown {
  return path
    .split('.')
    .slice(1)
    .reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], limits);
}

/** The form's text of a profile, or of a new one (every limit unlimited). */
export function profileValues(
  profile: { name: string; description: string; limits: AccountLimits } = {
    name: '',
    description: '',
    limits: UNLIMITED,
  },
): Record<string, string> {
  const values: Record<string, string> = { name: profile.name, description: profile.description };
  for (const [name] of NUMBER_LIMITS) values[name] = String(at(profile.limits, name));
  for (const [name] of FLAG_LIMITS) values[name] = at(profile.limits, name) ? 'on' : '';
  return values;
}

/** The posted form as typed, to show again beside its errors. */
export function postedProfileValues(form: Form): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of PROFILE_FIELDS) values[name] = text(form, name);
  for (const [name] of FLAG_LIMITS) values[name] = checked(form, name) ? 'on' : '';
  return values;
}

/** Every limit of the form; a blank one is unlimited (-1). */
export function limitsInput(form: Form): AccountLimits {
  const n = (name: string) => numberField(form, `limits.${name}`, -1);
  return {
    connections: n('connections'),
    leafNodes: n('leafNodes'),
    subscriptions: n('subscriptions'),
    payload: n('payload'),
    data: n('data'),
    imports: n('imports'),
    exports: n('exports'),
    wildcardExports: checked(form, 'limits.wildcardExports'),
    jetstream: {
      memoryStorage: n('jetstream.memoryStorage'),
      diskStorage: n('jetstream.diskStorage'),
      streams: n('jetstream.streams'),
      consumers: n('jetstream.consumers'),
      maxAckPending: n('jetstream.maxAckPending'),
      memoryMaxStreamBytes: n('jetstream.memoryMaxStreamBytes'),
      diskMaxStreamBytes: n('jetstream.diskMaxStreamBytes'),
      maxBytesRequired: checked(form, 'limits.jetstream.maxBytesRequired'),
    },
  };
}
