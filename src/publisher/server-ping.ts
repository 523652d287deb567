import type { NatsConnection } from '@nats-io/transport-node';
import type { PublisherTimings } from './publisher-options.ts';
import {
  SystemSubject,
  collectReplies,
  parseServerInfo,
  type RawServer,
  type ServerInfo,
} from './system-requests.ts';

/**
 * Asks every server of the installation for its statistics (`$SYS.REQ.SERVER.PING`); each
 * answers with its name, id and version. Sorted by name, one entry per server id.
 */
export async function pingServers(
  nc: NatsConnection,
  timings: Pick<PublisherTimings, 'requestTimeoutMs' | 'stallMs'>,
): Promise<ServerInfo[]> {
  const replies = await collectReplies(nc, SystemSubject.serverPing, '', {
    expected: 0,
    timeoutMs: timings.requestTimeoutMs,
    stallMs: timings.stallMs,
  });
  const servers = new Map<string, ServerInfo>();
  for (const reply of replies) {
    try {
      const server = parseServerInfo(reply.json<{ server?: RawServer }>().server);
      if (server) servers.set(server.id, server);
    } catch {
      // A reply that is not JSON is not a server's statistics: skip it.
    }
  }
  return [...servers.values()].sort((a, b) => a.name.localeCompare(b.name));
}
