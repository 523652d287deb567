import type { ProjectionFactory } from './projection.ts';

export const towerUsersProjection: ProjectionFactory = (db) => {
  const insert = db.prepare(
    `INSERT INTO tower_users (id, email, display_name, role, created_at, updated_at, version)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const setField = (column: string) =>
    db.prepare(`UPDATE tower_users SET ${column} = ?, updated_at = ?, version = ? WHERE id = ?`);
  const setDisabled = setField('disabled');
  const setRole = setField('role');
  const setName = setField('display_name');
  const setPasswordChanged = setField('password_changed_at');

  return {
    name: 'tower-users',
    tables: ['tower_users'],
    handlers: {
      TowerUserCreated: ({ data, metadata, version }) => {
        const at = metadata.occurredAt;
        insert.run(data.userId, data.email, data.displayName, data.role, at, at, version);
      },
      TowerUserDisabled: ({ data, metadata, version }) =>
        setDisabled.run(1, metadata.occurredAt, version, data.userId),
      TowerUserEnabled: ({ data, metadata, version }) =>
        setDisabled.run(0, metadata.occurredAt, version, data.userId),
      TowerUserRoleChanged: ({ data, metadata, version }) =>
        setRole.run(data.role, metadata.occurredAt, version, data.userId),
      TowerUserRenamed: ({ data, metadata, version }) =>
        setName.run(data.displayName, metadata.occurredAt, version, data.userId),
      TowerUserPasswordChanged: ({ data, metadata, version }) =>
        setPasswordChanged.run(metadata.occurredAt, metadata.occurredAt, version, data.userId),
    },
  };
};
