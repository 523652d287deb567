import { canonicalJson } from '../store/canonical-json.ts';
import {
  UNLIMITED,
  mergeLimits,
  type AccountLimits,
  type PartialLimits,
} from '../domain/limits.ts';
import type { ProjectionFactory } from './projection.ts';

/**
 * Accounts with their teams, revocations and effective limits (the profile's limits with the
 * explicit ones laid over). Runs after the limit-profiles projection, whose table it reads.
 */
export const accountsProjection: ProjectionFactory = (db) => {
  const insert = db.prepare(
    `INSERT INTO accounts (id, installation_id, name, description, limit_profile_id,
       explicit_limits, effective_limits, public_key, signing_key, created_at, updated_at, version)
     VALUES (@id, @installationId, @name, @description, @limitProfileId, @explicit, @effective,
       @publicKey, @signingKey, @at, @at, @version)`,
  );
  const update = db.prepare(
    `UPDATE accounts SET name = coalesce(@name, name),
       description = coalesce(@description, description), updated_at = @at, version = @version
     WHERE id = @id`,
  );
  const setLimits = db.prepare(
    `UPDATE accounts SET limit_profile_id = ?, explicit_limits = ?, effective_limits = ?,
       updated_at = ?, version = ?
     WHERE id = ?`,
  );
  const touch = db.prepare('UPDATE accounts SET updated_at = ?, version = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM accounts WHERE id = ?');
  const profileLimits = db.prepare('SELECT limits FROM limit_profiles WHERE id = ?').pluck();
  const followers = db.prepare(
    'SELECT id, explicit_limits AS explicit FROM accounts WHERE limit_profile_id = ?',
  );
  const setEffective = db.prepare('UPDATE accounts SET effective_limits = ? WHERE id = ?');
  const clearTeams = db.prepare('DELETE FROM account_teams WHERE account_id = ?');
  const addTeam = db.prepare('INSERT INTO account_teams (account_id, team_id) VALUES (?, ?)');
  const revoke = db.prepare(
    'INSERT OR IGNORE INTO account_revocations (account_id, public_key, revoked_at) VALUES (?, ?, ?)',
  );
  const clearRevocations = db.prepare('DELETE FROM account_revocations WHERE account_id = ?');

  const effective = (profileId: string | null, explicit: PartialLimits) => {
    const base = profileId ? (profileLimits.get(profileId) as string | undefined) : undefined;
    const baseLimits = base ? (JSON.parse(base) as AccountLimits) : UNLIMITED;
    return canonicalJson(mergeLimits(baseLimits, explicit));
  };
  const setTeams = (accountId: string, teams: readonly string[]) => {
    clearTeams.run(accountId);
    for (const team of teams) addTeam.run(accountId, team);
  };

  return {
    name: 'accounts',
    tables: ['accounts', 'account_teams', 'account_revocations'],
    handlers: {
      AccountCreated: ({ data, metadata, version }) => {
        insert.run({
          id: data.accountId,
          installationId: data.installationId,
          name: data.name,
          description: data.description,
          limitProfileId: data.limitProfileId,
          explicit: JSON.stringify(data.limits),
          effective: effective(data.limitProfileId, data.limits),
          publicKey: data.publicKey,
          signingKey: data.signingKey,
          at: metadata.occurredAt,
          version,
        });
        setTeams(data.accountId, data.teams);
      },
      AccountUpdated: ({ data, metadata, version }) =>
        update.run({
          id: data.accountId,
          name: data.name ?? null,
          description: data.description ?? null,
          at: metadata.occurredAt,
          version,
        }),
      AccountTeamsSet: ({ data, metadata, version }) => {
        setTeams(data.accountId, data.teams);
        touch.run(metadata.occurredAt, version, data.accountId);
      },
      AccountLimitsSet: ({ data, metadata, version }) =>
        setLimits.run(
          data.limitProfileId,
          JSON.stringify(data.limits),
          effective(data.limitProfileId, data.limits),
          metadata.occurredAt,
          version,
          data.accountId,
        ),
      AccountDeleted: ({ data }) => {
        clearTeams.run(data.accountId);
        clearRevocations.run(data.accountId);
        remove.run(data.accountId);
      },
      LimitProfileUpdated: ({ data }) => {
        if (!data.limits) return;
        const rows = followers.all(data.profileId) as { id: string; explicit: string }[];
        for (const row of rows) {
          const limits = mergeLimits(data.limits, JSON.parse(row.explicit) as PartialLimits);
          setEffective.run(canonicalJson(limits), row.id);
        }
      },
      NatsUserDeleted: ({ data, metadata }) =>
        revoke.run(data.accountId, data.publicKey, metadata.occurredAt),
      NatsUserCredentialsRotated: ({ data, metadata }) =>
        revoke.run(data.accountId, data.previousPublicKey, metadata.occurredAt),
    },
  };
};
