import { z } from 'zod';

/** A count or size limit: a whole number, -1 for unlimited. */
export const limitValue = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(-1, { error: 'must be -1 (unlimited) or at least 0' })
  .max(Number.MAX_SAFE_INTEGER, { error: 'is too large' });

export const jetStreamLimitsSchema = z
  .object({
    memoryStorage: limitValue,
    diskStorage: limitValue,
    streams: limitValue,
    consumers: limitValue,
    maxAckPending: limitValue,
    memoryMaxStreamBytes: limitValue,
    diskMaxStreamBytes: limitValue,
    maxBytesRequired: z.boolean({ error: 'must be true or false' }),
  })
  .strict();

/** Every limit a NATS account JWT carries. nats-server reads a missing limit as 0. */
export const accountLimitsSchema = z
  .object({
    connections: limitValue,
    leafNodes: limitValue,
    subscriptions: limitValue,
    payload: limitValue,
    data: limitValue,
    imports: limitValue,
    exports: limitValue,
    wildcardExports: z.boolean({ error: 'must be true or false' }),
    jetstream: jetStreamLimitsSchema,
  })
  .strict();

export type AccountLimits = z.infer<typeof accountLimitsSchema>;
export type JetStreamLimits = z.infer<typeof jetStreamLimitsSchema>;

/** Limits that name only some fields; the rest come from a profile. */
export const partialLimitsSchema = accountLimitsSchema
  .extend({ jetstream: jetStreamLimitsSchema.partial().strict() })
  .partial()
  .strict();

export type PartialLimits = z.infer<typeof partialLimitsSchema>;

export const UNLIMITED: AccountLimits = Object.freeze({
  connections: -1,
  leafNodes: -1,
  subscriptions: -1,
  payload: -1,
  data: -1,
  imports: -1,
  exports: -1,
  wildcardExports: true,
  jetstream: Object.freeze({
    memoryStorage: -1,
    diskStorage: -1,
    streams: -1,
    consumers: -1,
    maxAckPending: -1,
    memoryMaxStreamBytes: -1,
    diskMaxStreamBytes: -1,
    maxBytesRequired: false,
  }),
}) as AccountLimits;

/** Lays explicit limits over a base: every field the override names wins. */
export function mergeLimits(
  base: AccountLimits,
  override: PartialLimits | null | undefined,
): AccountLimits {
  if (!override) return { ...base, jetstream: { ...base.jetstream } };
  const { jetstream, ...plain } = override;
  return {
    ...base,
    ...stripUndefined(plain),
    jetstream: { ...base.jetstream, ...stripUndefined(jetstream ?? {}) },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** NATS user limits: -1 means "up to the account's limit". */
export const natsUserLimitsSchema = z
  .object({
    subscriptions: limitValue,
    data: limitValue,
    payload: limitValue,
  })
  .strict();

export type NatsUserLimits = z.infer<typeof natsUserLimitsSchema>;

export const USER_UNLIMITED: NatsUserLimits = Object.freeze({
  subscriptions: -1,
  data: -1,
  payload: -1,
});
