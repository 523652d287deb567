import { describeError } from '../nats/describe-error.ts';
import type { NatsConnection } from '@nats-io/transport-node';
import type { OutboxEntry } from './outbox-store.ts';
import {
  SystemSubject,
  collectReplies,
  parseClaimsReply,
  type CollectOptions,
} from './system-requests.ts';

/** How the servers took one account JWT or deletion claim. */
export type SendOutcome =
  | { kind: 'acknowledged'; servers: string[] }
  /** At least one server refused it: the JWT itself is wrong, retrying will not help. */
  | { kind: 'rejected'; error: string; servers: string[] }
  /** No server answered (timeout, disconnect, no resolver): worth another try. */
  | { kind: 'unanswered'; error: string };

/**
 * Sends an outbox entry: an account JWT to `$SYS.REQ.CLAIMS.UPDATE`, a deletion claim to
 * `$SYS.REQ.CLAIMS.DELETE`. Every server of the installation stores it and answers.
 */
export async function sendClaims(
  nc: NatsConnection,
  entry: Pick<OutboxEntry, 'action' | 'jwt'>,
  options: CollectOptions,
): Promise<SendOutcome> {
  const subject =
    entry.action === 'delete' ? SystemSubject.claimsDelete : SystemSubject.claimsUpdate;
  let replies;
  try {
    replies = (await collectReplies(nc, subject, entry.jwt, options)).map(parseClaimsReply);
  } catch (error) {
    return { kind: 'unanswered', error: describeError(error) };
  }
  if (replies.length === 0) {
    return { kind: 'unanswered', error: `no server answered within ${options.timeoutMs} ms` };
  }

  const servers = replies.filter((reply) => reply.ok).map((reply) => reply.server);
  const refusals = replies.filter((reply) => !reply.ok);
  if (refusals.length > 0) {
    const error = refusals.map((reply) => `${reply.server}: ${reply.message}`).join('; ');
    return { kind: 'rejected', error, servers };
  }
  return { kind: 'acknowledged', servers };
}
