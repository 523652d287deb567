import type { ProjectionFactory } from './projection.ts';

export const installationsProjection: ProjectionFactory = (db) => {
  const insert = db.prepare(
    `INSERT INTO installations (id, name, urls, description, operator_public_key,
       operator_signing_key, system_account_public_key, system_account_signing_key,
       system_user_public_key, created_at, updated_at, version)
     VALUES (@id, @name, @urls, @description, @operatorPublicKey, @operatorSigningKey,
       @systemAccountPublicKey, @systemAccountSigningKey, @systemUserPublicKey, @at, @at, @version)`,
  );
  const update = db.prepare(
    `UPDATE installations SET name = coalesce(@name, name), urls = coalesce(@urls, urls),
       description = coalesce(@description, description), updated_at = @at, version = @version
     WHERE id = @id`,
  );
  const touch = db.prepare('UPDATE installations SET updated_at = ?, version = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM installations WHERE id = ?');
  const clearTeams = db.prepare('DELETE FROM installation_teams WHERE installation_id = ?');
  const addTeam = db.prepare(
    'INSERT INTO installation_teams (installation_id, team_id) VALUES (?, ?)',
  );

  const setTeams = (installationId: string, teams: readonly string[]) => {
    clearTeams.run(installationId);
    for (const team of teams) addTeam.run(installationId, team);
  };

  return {
    name: 'installations',
    tables: ['installations', 'installation_teams'],
    handlers: {
      InstallationCreated: ({ data, metadata, version }) => {
        insert.run({
          id: data.installationId,
          name: data.name,
          urls: JSON.stringify(data.urls),
          description: data.description,
          ...data.keys,
          at: metadata.occurredAt,
          version,
        });
        setTeams(data.installationId, data.teams);
      },
      InstallationUpdated: ({ data, metadata, version }) =>
        update.run({
          id: data.installationId,
          name: data.name ?? null,
          urls: data.urls ? JSON.stringify(data.urls) : null,
          description: data.description ?? null,
          at: metadata.occurredAt,
          version,
        }),
      InstallationTeamsSet: ({ data, metadata, version }) => {
        setTeams(data.installationId, data.teams);
        touch.run(metadata.occurredAt, version, data.installationId);
      },
      InstallationDeleted: ({ data }) => {
        clearTeams.run(data.installationId);
        remove.run(data.installationId);
      },
    },
  };
};
