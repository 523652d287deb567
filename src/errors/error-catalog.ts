/**
 * Every error Tower reports, with its HTTP status and what it means. `docs/errors.md` lists the
 * same codes; a test keeps the two in step.
 */
export const errorCatalog = {
  invalid_input: { status: 400, title: 'A field has a value that breaks a rule' },
  limit_exceeds_account: { status: 400, title: "A NATS user's limit is above its account's" },
  unauthenticated: { status: 401, title: 'No valid session or API token' },
  forbidden: { status: 403, title: 'The acting user may not do this' },
  csrf_failed: { status: 403, title: 'The form or request lacks a valid CSRF token' },
  not_found: { status: 404, title: 'No such entity, or not visible to the acting user' },
  name_taken: { status: 409, title: 'The name is already used in its scope' },
  email_taken: { status: 409, title: 'Another Tower user has this email' },
  version_conflict: { status: 409, title: 'The entity changed since it was read' },
  command_id_reused: { status: 409, title: 'A command id was reused for a different command' },
  in_use: { status: 409, title: 'The entity is still referenced and cannot be removed' },
  invalid_state: { status: 409, title: 'The entity is not in a state that allows this' },
  wrong_password: { status: 400, title: 'The current password is wrong' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'The request body has a type Tower does not read' },
  rate_limited: { status: 429, title: 'Too many attempts; wait and try again' },
  keystore_key_missing: { status: 500, title: 'The keystore master key is missing' },
  keystore_key_wrong: { status: 500, title: 'The keystore master key does not open this data' },
  keystore_tampered: { status: 500, title: 'A keystore entry failed its integrity check' },
  log_corrupt: { status: 500, title: 'The event log failed verification' },
  mirror_diverged: { status: 500, title: 'The NATS event stream differs from the event log' },
  mirror_unavailable: {
    status: 503,
    title: 'The NATS server of the event mirror is not reachable',
  },
  config_invalid: { status: 500, title: 'A TOWER_* setting is invalid' },
  internal: { status: 500, title: 'Unexpected internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalog;
