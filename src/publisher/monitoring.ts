import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { collectReplies, parseServerInfo, type RawServer } from './system-requests.ts';

/** The system requests the dashboard sends; every server of the installation answers them. */
export const MonitoringSubject = {
  statsz: '$SYS.REQ.SERVER.PING.STATSZ',
  jsz: '$SYS.REQ.SERVER.PING.JSZ',
  accountConnz: (accountPublicKey: string) => `$SYS.REQ.ACCOUNT.${accountPublicKey}.CONNZ`,
  accountJsz: (accountPublicKey: string) => `$SYS.REQ.ACCOUNT.${accountPublicKey}.JSZ`,
} as const;

/** How long the dashboard waits: a slow or silent server must never hold a page up. */
export interface MonitoringTimings {
  /** How long to wait for the first reply. */
  timeoutMs: number;
  /** Once replies flow, how long to wait for one more server. */
  stallMs: number;
}

export const MONITORING_TIMINGS: MonitoringTimings = Object.freeze({
  timeoutMs: 1_500,
  stallMs: 150,
});

/** One server as its statistics describe it. */
export interface ServerStats {
  name: string;
  id: string;
  version: string;
  connections: number;
  /** Percent of one core, as the server reports it. */
  cpu: number;
  /** Resident memory in bytes. */
  memory: number;
  /** JetStream on this server; null when it runs without JetStream. */
  jetstream: JetStreamServerUsage | null;
}

export interface JetStreamServerUsage {
  memory: number;
  storage: number;
  maxMemory: number;
  maxStorage: number;
  streams: number;
  consumers: number;
  messages: number;
  bytes: number;
}

/** What an installation's servers say about themselves right now. */
export interface InstallationMonitoring {
  servers: ServerStats[];
}

/** A JetStream stream of an account. */
export interface StreamUsage {
  name: string;
  subjects: string[];
  messages: number;
  bytes: number;
  consumers: number;
}

/** What one account uses across the installation right now. */
export interface AccountUsage {
  /** Client connections over every server that answered. */
  connections: number;
  /** Null when no server reported JetStream for the account. */
  jetstream: { memory: number; storage: number; streams: number; consumers: number } | null;
  streams: StreamUsage[];
}

interface RawStatsz {
  server?: RawServer;
  statsz?: { connections?: number; cpu?: number; mem?: number };
}

interface RawJetStreamStats {
  memory?: number;
  storage?: number;
  streams?: number;
  consumers?: number;
  messages?: number;
  bytes?: number;
  disabled?: boolean;
  config?: { max_memory?: number; max_storage?: number };
}

interface RawStreamDetail {
  name?: string;
  config?: { subjects?: string[] };
  state?: { messages?: number; bytes?: number; consumer_count?: number };
}

interface RawAccountDetail {
  memory?: number;
  storage?: number;
  stream_detail?: RawStreamDetail[];
}

/** `{server, data, error}`: the envelope of every `*Z` system reply. */
interface ApiReply<T> {
  server?: RawServer;
  data?: T;
  error?: { code?: number; description?: string };
}

/**
 * The installation's servers with their connections, CPU, memory and JetStream usage, from
 * STATSZ and JSZ pings sent at the same time. Servers that do not answer in time are left out.
 *
 * @example const { servers } = await monitorInstallation(publisher.connection(id)!);
 */
export async function monitorInstallation(
  nc: NatsConnection,
  timings: MonitoringTimings = MONITORING_TIMINGS,
): Promise<InstallationMonitoring> {
  const options = { expected: 0, ...timings };
  const [statsz, jsz] = await Promise.all([
    collectReplies(nc, MonitoringSubject.statsz, '', options),
    collectReplies(nc, MonitoringSubject.jsz, '', options).catch(() => [] as Msg[]),
  ]);

  const jetstream = new Map<string, JetStreamServerUsage>();
  for (const reply of parsed<ApiReply<RawJetStreamStats>>(jsz)) {
    const id = reply.server?.id;
    if (id && reply.data && !reply.data.disabled) jetstream.set(id, jetStreamOf(reply.data));
  }

  const servers = new Map<string, ServerStats>();
  for (const reply of parsed<RawStatsz>(statsz)) {
    const info = parseServerInfo(reply.server);
    if (!info) continue;
    servers.set(info.id, {
      name: info.name,
      id: info.id,
      version: info.version,
      connections: reply.statsz?.connections ?? 0,
      cpu: reply.statsz?.cpu ?? 0,
      memory: reply.statsz?.mem ?? 0,
      jetstream: jetstream.get(info.id) ?? null,
    });
  }
  return { servers: [...servers.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}

/**
 * One account's connections (CONNZ, summed over servers) and JetStream usage with its streams
 * (JSZ; replicas reported by several servers count once). `expectedServers` lets the requests
 * end as soon as every known server answered.
 */
export async function monitorAccount(
  nc: NatsConnection,
  accountPublicKey: string,
  expectedServers: number,
  timings: MonitoringTimings = MONITORING_TIMINGS,
): Promise<AccountUsage> {
  const options = { expected: expectedServers, ...timings };
  // limit 1: only the total is wanted, not every connection's details.
  const connzRequest = JSON.stringify({ limit: 1 });
  const jszRequest = JSON.stringify({ streams: true, config: true });
  const [connz, jsz] = await Promise.all([
    collectReplies(nc, MonitoringSubject.accountConnz(accountPublicKey), connzRequest, options),
    collectReplies(nc, MonitoringSubject.accountJsz(accountPublicKey), jszRequest, options),
  ]);

  let connections = 0;
  for (const reply of parsed<ApiReply<{ total?: number }>>(connz)) {
    connections += reply.data?.total ?? 0;
  }
  return { connections, ...accountJetStream(parsed<ApiReply<RawAccountDetail>>(jsz)) };
}

function accountJetStream(
  replies: ApiReply<RawAccountDetail>[],
): Omit<AccountUsage, 'connections'> {
  const details = replies.flatMap((reply) => (reply.data && !reply.error ? [reply.data] : []));
  if (details.length === 0) return { jetstream: null, streams: [] };

  const streams = new Map<string, StreamUsage>();
  for (const stream of details.flatMap((detail) => detail.stream_detail ?? [])) {
    const usage = streamOf(stream);
    const seen = streams.get(usage.name);
    if (!seen || usage.messages > seen.messages) streams.set(usage.name, usage);
  }
  const list = [...streams.values()].sort((a, b) => a.name.localeCompare(b.name));
  // Every server reports the account's usage over the whole cluster: take the largest.
  const jetstream = {
    memory: Math.max(...details.map((detail) => detail.memory ?? 0)),
    storage: Math.max(...details.map((detail) => detail.storage ?? 0)),
    streams: list.length,
    consumers: list.reduce((sum, stream) => sum + stream.consumers, 0),
  };
  return { jetstream, streams: list };
}

function jetStreamOf(raw: RawJetStreamStats): JetStreamServerUsage {
  return {
    memory: raw.memory ?? 0,
    storage: raw.storage ?? 0,
    maxMemory: raw.config?.max_memory ?? 0,
    maxStorage: raw.config?.max_storage ?? 0,
    streams: raw.streams ?? 0,
    consumers: raw.consumers ?? 0,
    messages: raw.messages ?? 0,
    bytes: raw.bytes ?? 0,
  };
}

function streamOf(raw: RawStreamDetail): StreamUsage {
  return {
    name: raw.name ?? '?',
    subjects: raw.config?.subjects ?? [],
    messages: raw.state?.messages ?? 0,
    bytes: raw.state?.bytes ?? 0,
    consumers: raw.state?.consumer_count ?? 0,
  };
}

/** The replies that are JSON; anything else is not a server's answer and is skipped. */
function parsed<T>(replies: readonly Msg[]): T[] {
  const out: T[] = [];
  for (const reply of replies) {
    try {
      out.push(reply.json<T>());
    } catch {
      // Not JSON: not a monitoring reply.
    }
  }
  return out;
}
