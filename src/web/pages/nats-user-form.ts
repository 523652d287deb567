import type { NatsUserView } from '../../projections/queries/index.ts';
import {
  checked,
  lines,
  numberField,
  text,
  toDateTimeLocal,
  utcDateTime,
  type Form,
} from './form-input.ts';

/** The fields of the NATS user form, named as the command's input paths. */
export const NATS_USER_FIELDS = [
  'name',
  'description',
  'permissions.pub.allow',
  'permissions.pub.deny',
  'permissions.sub.allow',
  'permissions.sub.deny',
  'permissions.responses',
  'permissions.responses.max',
  'permissions.responses.ttlSeconds',
  'limits.subscriptions',
  'limits.data',
  'limits.payload',
  'bearer',
  'expiresAt',
] as const;

/** What the form's inputs hold, as text: from a NATS user, or as a person typed them. */
export type NatsUserFormValues = Record<(typeof NATS_USER_FIELDS)[number], string>;

export const EMPTY_NATS_USER_FORM: NatsUserFormValues = {
  name: '',
  description: '',
  'permissions.pub.allow': '',
  'permissions.pub.deny': '',
  'permissions.sub.allow': '',
  'permissions.sub.deny': '',
  'permissions.responses': '',
  'permissions.responses.max': '',
  'permissions.responses.ttlSeconds': '',
  'limits.subscriptions': '-1',
  'limits.data': '-1',
  'limits.payload': '-1',
  bearer: '',
  expiresAt: '',
};

export function formValuesOf(natsUser: NatsUserView): NatsUserFormValues {
  const { pub, sub, responses } = natsUser.permissions;
  return {
    name: natsUser.name,
    description: natsUser.description,
    'permissions.pub.allow': pub.allow.join('\n'),
    'permissions.pub.deny': pub.deny.join('\n'),
    'permissions.sub.allow': sub.allow.join('\n'),
    'permissions.sub.deny': sub.deny.join('\n'),
    'permissions.responses': '',
    'permissions.responses.max': responses ? String(responses.max) : '',
    'permissions.responses.ttlSeconds': responses ? String(responses.ttlSeconds) : '',
    'limits.subscriptions': String(natsUser.limits.subscriptions),
    'limits.data': String(natsUser.limits.data),
    'limits.payload': String(natsUser.limits.payload),
    bearer: natsUser.bearer ? 'on' : '',
    expiresAt: toDateTimeLocal(natsUser.expiresAt),
  };
}

/** The posted form as typed, to show it again beside its errors. */
export function postedValues(form: Form): NatsUserFormValues {
  const values = { ...EMPTY_NATS_USER_FORM };
  for (const field of NATS_USER_FIELDS) values[field] = text(form, field);
  values.bearer = checked(form, 'bearer') ? 'on' : '';
  return values;
}

/**
 * The command input of the form: subjects one a line, blank limits meaning the account's
 * (-1), responses only when a maximum or a TTL is given, the expiry read as UTC.
 */
export function natsUserInput(form: Form) {
  const max = text(form, 'permissions.responses.max').trim();
  const ttl = text(form, 'permissions.responses.ttlSeconds').trim();
  const responses =
    max === '' && ttl === ''
      ? null
      : {
          max: numberField(form, 'permissions.responses.max', 1),
          ttlSeconds: numberField(form, 'permissions.responses.ttlSeconds', 0),
        };
  return {
    name: text(form, 'name'),
    description: text(form, 'description'),
    permissions: {
      pub: {
        allow: lines(form, 'permissions.pub.allow'),
        deny: lines(form, 'permissions.pub.deny'),
      },
      sub: {
        allow: lines(form, 'permissions.sub.allow'),
        deny: lines(form, 'permissions.sub.deny'),
      },
      responses,
    },
    limits: {
      subscriptions: numberField(form, 'limits.subscriptions', -1),
      data: numberField(form, 'limits.data', -1),
      payload: numberField(form, 'limits.payload', -1),
    },
    bearer: checked(form, 'bearer'),
    expiresAt: utcDateTime(form, 'expiresAt'),
  };
}
