import {
  connect,
  credsAuthenticator,
  type Authenticator,
  type NatsConnection,
} from '@nats-io/transport-node';

import type { TestUser } from './installation-fixture.ts';

/** What a system request answers: `data` on success, `error` on failure. */
export interface ServerReply {
  data?: { code: number; message: string; account?: string };
  error?: { code: number; description: string };
}

/** Connects with a user's creds file text; fails instead of retrying. */
export function connectAs(url: string | string[], user: TestUser): Promise<NatsConnection> {
  return connectWith(url, credsAuthenticator(new TextEncoder().encode(user.creds)));
}

export function connectWith(url: string | string[], authenticator: Authenticator) {
  return connect({ servers: url, authenticator, reconnect: false, timeout: 5_000 });
}

/** Sends a JWT to a `$SYS.REQ.CLAIMS.*` subject and parses the first server's reply. */
export async function systemRequest(
  sys: NatsConnection,
  subject: string,
  jwt: string,
): Promise<ServerReply> {
  const reply = await sys.request(subject, jwt, { timeout: 5_000 });
  return reply.json<ServerReply>();
}

/** Pushes an account JWT and fails loudly unless the server stored it. */
export async function pushAccount(sys: NatsConnection, jwt: string): Promise<void> {
  const reply = await systemRequest(sys, '$SYS.REQ.CLAIMS.UPDATE', jwt);
  if (reply.data?.code !== 200) throw new Error(`push failed: ${JSON.stringify(reply)}`);
}

/** The next error the server reports on the connection (`-ERR`), e.g. a permissions violation. */
export async function nextServerError(nc: NatsConnection, timeoutMs = 5_000): Promise<Error> {
  const timeout = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error('no server error arrived')), timeoutMs).unref();
  });
  const firstError = (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'error') return status.error;
    }
    throw new Error('connection closed without a server error');
  })();
  return Promise.race([firstError, timeout]);
}
