import type { ProjectionFactory } from './projection.ts';

export const natsUsersProjection: ProjectionFactory = (db) => {
  const insert = db.prepare(
    `INSERT INTO nats_users (id, account_id, name, description, permissions, limits, bearer,
       expires_at, public_key, created_at, updated_at, version)
     VALUES (@id, @accountId, @name, @description, @permissions, @limits, @bearer, @expiresAt,
       @publicKey, @at, @at, @version)`,
  );
  const update = db.prepare(
    `UPDATE nats_users SET name = coalesce(@name, name),
       description = coalesce(@description, description),
       permissions = coalesce(@permissions, permissions), limits = coalesce(@limits, limits),
       bearer = coalesce(@bearer, bearer),
       expires_at = CASE WHEN @setExpiry THEN @expiresAt ELSE expires_at END,
       updated_at = @at, version = @version
     WHERE id = @id`,
  );
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
        update.run({
          id: data.natsUserId,
          name: data.name ?? null,
          description: data.description ?? null,
          permissions: data.permissions ? JSON.stringify(data.permissions) : null,
          limits: data.limits ? JSON.stringify(data.limits) : null,
          bearer: data.bearer === undefined ? null : data.bearer ? 1 : 0,
          setExpiry: data.expiresAt === undefined ? 0 : 1,
          expiresAt: data.expiresAt ?? null,
          at: metadata.occurredAt,
          version,
        }),
      NatsUserCredentialsRotated: ({ data, metadata, version }) =>
        rotate.run(data.publicKey, metadata.occurredAt, version, data.natsUserId),
      NatsUserDeleted: ({ data }) => remove.run(data.natsUserId),
      AccountDeleted: ({ data }) => removeForAccount.run(data.accountId),
    },
  };
};
