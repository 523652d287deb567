import type { Msg, NatsConnection, Payload } from '@nats-io/transport-node';

/** The `$SYS` subjects the full resolver and the servers' event system answer on. */
export const SystemSubject = {
  claimsUpdate: '$SYS.REQ.CLAIMS.UPDATE',
  claimsDelete: '$SYS.REQ.CLAIMS.DELETE',
  claimsList: '$SYS.REQ.CLAIMS.LIST',
  serverPing: '$SYS.REQ.SERVER.PING',
  /** Every server's periodic statistics; the second token is the server id. */
  statsz: '$SYS.SERVER.*.STATSZ',
  claimsLookup: (accountPublicKey: string) => `$SYS.REQ.ACCOUNT.${accountPublicKey}.CLAIMS.LOOKUP`,
} as const;

/** A server of an installation, as it describes itself in system replies. */
export interface ServerInfo {
  name: string;
  id: string;
  version: string;
  cluster: string | null;
  host: string | null;
  jetstream: boolean;
}

/** One server's answer to CLAIMS.UPDATE or CLAIMS.DELETE. */
export interface ClaimsReply {
  server: string;
  ok: boolean;
  /** The server's message on success, its error description on failure. */
  message: string;
}

/** The `server` block of a system reply, as the server writes it. */
export interface RawServer {
  name?: string;
  id?: string;
  ver?: string;
  cluster?: string;
  host?: string;
  jetstream?: boolean;
}

interface RawClaimsReply {
  server?: RawServer;
  data?: { code?: number; message?: string };
  error?: { code?: number; description?: string };
}

export interface CollectOptions {
  /** Stop as soon as this many replies arrived; 0 waits for the stall or the timeout. */
  expected: number;
  /** How long to wait for the first reply. */
  timeoutMs: number;
  /** How long to wait for a further reply once one arrived. */
  stallMs: number;
}

/**
 * Sends one request that several servers answer (each server of a cluster answers system
 * requests) and gathers the replies: it stops at the expected count, after a quiet gap once
 * replies flow, or at the timeout. No reply at all gives an empty list, not an error.
 */
export async function collectReplies(
  nc: NatsConnection,
  subject: string,
  payload: Payload,
  options: CollectOptions,
): Promise<Msg[]> {
  const replies: Msg[] = [];
  const iterator = await nc.requestMany(subject, payload, {
    strategy: 'stall',
    maxWait: options.timeoutMs,
    stall: options.stallMs,
  });
  for await (const reply of iterator) {
    replies.push(reply);
    if (options.expected > 0 && replies.length >= options.expected) break;
  }
  return replies;
}

/** Reads the `server` block of a system reply. */
export function parseServerInfo(raw: RawServer | undefined): ServerInfo | undefined {
  if (!raw?.name || !raw.id) return undefined;
  return {
    name: raw.name,
    id: raw.id,
    version: raw.ver ?? 'unknown',
    cluster: raw.cluster ?? null,
    host: raw.host ?? null,
    jetstream: raw.jetstream ?? false,
  };
}

/** Reads `{data: {code, message}}` or `{error: {code, description}}`, with the answering server. */
export function parseClaimsReply(msg: Msg): ClaimsReply {
  let raw: RawClaimsReply;
  try {
    raw = msg.json<RawClaimsReply>();
  } catch {
    return { server: 'unknown', ok: false, message: `unreadable reply: ${msg.string()}` };
  }
  const server = raw.server?.name ?? 'unknown';
  if (raw.error) {
    return { server, ok: false, message: raw.error.description ?? `error ${raw.error.code}` };
  }
  const ok = raw.data?.code === 200;
  return { server, ok, message: raw.data?.message ?? 'reply without data' };
}

/** Reads one server's CLAIMS.LIST reply: the account ids it holds. */
export function parseClaimsList(msg: Msg): { server: string; accounts: string[] } | undefined {
  try {
    const raw = msg.json<{ server?: RawServer; data?: unknown }>();
    if (!Array.isArray(raw.data)) return undefined;
    const accounts = raw.data.filter((id): id is string => typeof id === 'string');
    return { server: raw.server?.name ?? 'unknown', accounts };
  } catch {
    return undefined;
  }
}
