import type { ProjectionFactory } from './projection.ts';

/** API tokens as their owners and admins list them; no secret and no digest here. */
export const apiTokensProjection: ProjectionFactory = (db) => {
  const insert = db.prepare(
    `INSERT INTO api_tokens (id, user_id, name, expires_at, created_at, version)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const revoke = db.prepare(
    'UPDATE api_tokens SET revoked = 1, revoked_at = ?, version = ? WHERE id = ?',
  );

  return {
    name: 'api-tokens',
    tables: ['api_tokens'],
    handlers: {
      ApiTokenCreated: ({ data, metadata, version }) =>
        insert.run(
          data.tokenId,
          data.userId,
          data.name,
          data.expiresAt,
          metadata.occurredAt,
          version,
        ),
      ApiTokenRevoked: ({ data, metadata, version }) =>
        revoke.run(metadata.occurredAt, version, data.tokenId),
    },
  };
};
