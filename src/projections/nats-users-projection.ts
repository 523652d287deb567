import { partialUpdate } from './partial-update.ts';
import type { ProjectionFactory } from './projection.ts';

export const natsUsersProjection: ProjectionFactory = (db) => {
  const insert = db.prepare(
    `INSERT INTO nats_users (id, account_id, name, description, permissions, limits, bearer,
       expires_at, public_key, created_at, updated_at, version)
     VALUES (@id, @accountId, @name, @description, @permissions, @limits, @bearer, @expiresAt,
       @publicKey, @at, @at, @version)`,
  );
  const update = partialUpdate(db, 'nats_users');
  const rotate = db.prepare(
    'UPDATE nats_users SET public_key = ?, updated_at = ?, version = ? WHERE id = ?',
  );
  const remove = db.prepare('DELETE FROM nats_users WHERE id = ?');
  const removeForAccount = db.prepare('DELETE FROM nats_users WHERE account_id = ?');

  return {
    name: 'nats-users',
    tables: ['nats_users'],
    handlers: {
      NatsUserCreated: ({ data, metadata, version }) =>
        insert.run({
          id: data.natsUserId,
          accountId: data.accountId,
          name: data.name,
          description: data.description,
          permissions: JSON.stringify(data.permissions),
          limits: JSON.stringify(data.limits),
          bearer: data.bearer ? 1 : 0,
          expiresAt: data.expiresAt,
          publicKey: data.publicKey,
          at: metadata.occurredAt,
          version,
        }),
      NatsUserUpdated: ({ data, metadata, version }) =>
        update(data.natsUserId, {
          name: data.name,
          description: data.description,
          permissions: data.permissions && JSON.stringify(data.permissions),
          limits: data.limits && JSON.stringify(data.limits),
          bearer: data.bearer === undefined ? undefined : data.bearer ? 1 : 0,
          expires_at: data.expiresAt,
          updated_at: metadata.occurredAt,
          version,
        }),
      NatsUserCredentialsRotated: ({ data, metadata, version }) =>
        rotate.run(data.publicKey, metadata.occurredAt, version, data.natsUserId),
      NatsUserDeleted: ({ data }) => remove.run(data.natsUserId),
      AccountDeleted: ({ data }) => removeForAccount.run(data.accountId),
    },
  };
};
