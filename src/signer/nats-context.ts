/**
 * A context for the `nats` CLI, the JSON it keeps in `~/.config/nats/context/<name>.json`.
 * Fields the CLI knows but Tower leaves empty (user, password, token, nkey, cert, ...) are
 * left out; the CLI reads a missing field as empty.
 */
export interface NatsContext {
  description: string;
  /** Server URLs, comma separated, as the CLI takes them. */
  url: string;
  /** Path of the creds file on the machine that runs the CLI. */
  creds: string;
}

export interface NatsContextInput {
  description: string;
  urls: readonly string[];
  credsPath: string;
}

/**
 * Builds the context for a NATS user. The creds stay in their own file: a context holds a
 * path to them, never the seed.
 *
 * @example
 * natsContext({ description: 'orders', urls: ['nats://a:4222'], credsPath: '~/orders.creds' })
 */
export function natsContext(input: NatsContextInput): NatsContext {
  return {
    description: input.description,
    url: input.urls.join(','),
    creds: input.credsPath,
  };
}
