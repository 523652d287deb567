import type { ProjectionFactory } from './projection.ts';

export const limitProfilesProjection: ProjectionFactory = (db) => {
  const insert = db.prepare(
    `INSERT INTO limit_profiles (id, name, description, limits, created_at, version)
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const update = db.prepare(
    `UPDATE limit_profiles SET name = coalesce(@name, name),
       description = coalesce(@description, description), limits = coalesce(@limits, limits),
       version = @version
     WHERE id = @id`,
  );
  const remove = db.prepare('DELETE FROM limit_profiles WHERE id = ?');
  const clearDefault = db.prepare('UPDATE limit_profiles SET is_default = 0 WHERE is_default = 1');
  const markDefault = db.prepare(
    'UPDATE limit_profiles SET is_default = 1, version = ? WHERE id = ?',
  );

  return {
    name: 'limit-profiles',
    tables: ['limit_profiles'],
    handlers: {
      LimitProfileCreated: ({ data, metadata, version }) =>
        insert.run(
          data.profileId,
          data.name,
          data.description,
          JSON.stringify(data.limits),
          metadata.occurredAt,
          version,
        ),
      LimitProfileUpdated: ({ data, version }) =>
        update.run({
          id: data.profileId,
          name: data.name ?? null,
          description: data.description ?? null,
          limits: data.limits ? JSON.stringify(data.limits) : null,
          version,
        }),
      LimitProfileDeleted: ({ data }) => remove.run(data.profileId),
      LimitProfileMarkedDefault: ({ data, version }) => {
        clearDefault.run();
        markDefault.run(version, data.profileId);
      },
    },
  };
};
