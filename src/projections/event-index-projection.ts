import type { RecordedEvent } from '../events/index.ts';
import { eventTypes } from '../events/index.ts';
import type { Handlers, ProjectionFactory } from './projection.ts';

/**
 * Indexes every event by type, stream, actor and the installation and account it concerns, so
 * that audit queries filter by index instead of reading the log. Runs after the accounts
 * projection, whose table tells which installation an account (and so a NATS user) is in.
 */
export const eventIndexProjection: ProjectionFactory = (db) => {
  const insert = db.prepare(
    `INSERT INTO event_index (seq, type, stream_type, stream_id, actor_id, installation_id,
       account_id)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const installationOf = db.prepare('SELECT installation_id FROM accounts WHERE id = ?').pluck();

  const scopeOf = (event: RecordedEvent): [string | null, string | null] => {
    const data = event.data as { installationId?: string; accountId?: string };
    switch (event.streamType) {
      case 'installation':
        return [event.streamId, null];
      case 'account':
      case 'nats-user': {
        const accountId = data.accountId ?? event.streamId;
        const installationId =
          data.installationId ?? (installationOf.get(accountId) as string | undefined) ?? null;
        return [installationId, accountId];
      }
      default:
        return [null, null];
    }
  };

  const index = (event: RecordedEvent) => {
    const [installationId, accountId] = scopeOf(event);
    insert.run(
      event.seq,
      event.type,
      event.streamType,
      event.streamId,
      event.metadata.actorId,
      installationId,
      accountId,
    );
  };

  return {
    name: 'event-index',
    tables: ['event_index'],
    queryIndexes: [
      'event_index_by_installation',
      'event_index_by_account',
      'event_index_by_stream',
    ],
    handlers: Object.fromEntries(eventTypes.map((type) => [type, index])) as Handlers,
  };
};
