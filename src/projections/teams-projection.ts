import type { ProjectionFactory } from './projection.ts';

export const teamsProjection: ProjectionFactory = (db) => {
  const insert = db.prepare(
    'INSERT INTO teams (id, name, created_at, version) VALUES (?, ?, ?, ?)',
  );
  const rename = db.prepare('UPDATE teams SET name = ?, version = ? WHERE id = ?');
  const touch = db.prepare('UPDATE teams SET version = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM teams WHERE id = ?');
  const removeMembers = db.prepare('DELETE FROM team_members WHERE team_id = ?');
  const addMember = db.prepare(
    'INSERT OR IGNORE INTO team_members (team_id, user_id) VALUES (?, ?)',
  );
  const removeMember = db.prepare('DELETE FROM team_members WHERE team_id = ? AND user_id = ?');

  return {
    name: 'teams',
    tables: ['teams', 'team_members'],
    handlers: {
      TeamCreated: ({ data, metadata, version }) =>
        insert.run(data.teamId, data.name, metadata.occurredAt, version),
      TeamRenamed: ({ data, version }) => rename.run(data.name, version, data.teamId),
      TeamDeleted: ({ data }) => {
        removeMembers.run(data.teamId);
        remove.run(data.teamId);
      },
      TeamMemberAdded: ({ data, version }) => {
        addMember.run(data.teamId, data.userId);
        touch.run(version, data.teamId);
      },
      TeamMemberRemoved: ({ data, version }) => {
        removeMember.run(data.teamId, data.userId);
        touch.run(version, data.teamId);
      },
    },
  };
};
