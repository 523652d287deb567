import { secretEntry } from '../domain/secret-entries.ts';
import { z } from 'zod';
import { TowerError } from '../errors/index.ts';
import { event, towerRoleSchema } from '../events/index.ts';
import { defineCommand, type Actor } from './define-command.ts';
import type { DomainReader, TowerUserState } from './domain-reader.ts';
import {
  emailSchema,
  expectedVersionSchema,
  idSchema,
  nameSchema,
  passwordSchema,
  present,
  requireAdmin,
} from './rules.ts';

const userTarget = (command: { userId: string }) => ({
  streamType: 'tower-user' as const,
  streamId: command.userId,
});

/** Admins need to see every user; a user may only address themself. */
function loadUser(reader: DomainReader, command: { userId: string }) {
  return { user: reader.towerUser(command.userId) };
}

function existing(state: { user: TowerUserState | undefined }, userId: string) {
  return present(state.user, 'Tower user', userId, 'userId');
}

export const CreateTowerUser = defineCommand({
  type: 'CreateTowerUser',
  schema: z
    .object({
      email: emailSchema,
      displayName: nameSchema,
      role: towerRoleSchema,
      password: passwordSchema,
    })
    .strict(),
  secretFields: ['password'],
  prepare: async (command, _actor, services) => services.hashPassword(command.password),
  load: (reader, command) => ({ sameEmail: reader.towerUserByEmail(command.email) }),
  authorize: (actor) => requireAdmin(actor, 'create Tower users'),
  decide: (state, command, ctx) => {
    if (state.sameEmail) {
      throw new TowerError(
        'email_taken',
        `A Tower user with email ${command.email} already exists.`,
        {
          field: 'email',
        },
      );
    }
    const { email, displayName, role } = command;
    return [event('TowerUserCreated', { userId: ctx.newId(), email, displayName, role })];
  },
  secrets: (_command, events, hash: string) => {
    const created = events[0];
    return created?.type === 'TowerUserCreated'
      ? [{ id: secretEntry.password(created.data.userId), value: hash }]
      : [];
  },
});

function refuseSelf(actor: Actor, userId: string, what: string) {
  if (actor.userId === userId) {
    throw new TowerError('invalid_state', `You cannot ${what} yourself.`, { field: 'userId' });
  }
}

export const DisableTowerUser = defineCommand({
  type: 'DisableTowerUser',
  schema: z.object({ userId: idSchema, expectedVersion: expectedVersionSchema }).strict(),
  target: userTarget,
  load: loadUser,
  authorize: (actor, _state, command) => {
    requireAdmin(actor, 'disable Tower users');
    refuseSelf(actor, command.userId, 'disable');
  },
  decide: (state, command) => {
    const user = existing(state, command.userId);
    return user.disabled ? [] : [event('TowerUserDisabled', { userId: user.id })];
  },
});

export const EnableTowerUser = defineCommand({
  type: 'EnableTowerUser',
  schema: z.object({ userId: idSchema, expectedVersion: expectedVersionSchema }).strict(),
  target: userTarget,
  load: loadUser,
  authorize: (actor) => requireAdmin(actor, 'enable Tower users'),
  decide: (state, command) => {
    const user = existing(state, command.userId);
    return user.disabled ? [event('TowerUserEnabled', { userId: user.id })] : [];
  },
});

export const ChangeTowerUserRole = defineCommand({
  type: 'ChangeTowerUserRole',
  schema: z
    .object({ userId: idSchema, role: towerRoleSchema, expectedVersion: expectedVersionSchema })
    .strict(),
  target: userTarget,
  load: loadUser,
  authorize: (actor, _state, command) => {
    requireAdmin(actor, 'change roles');
    // An admin demoting themself could leave Tower with no admin at all.
    refuseSelf(actor, command.userId, 'change the role of');
  },
  decide: (state, command) => {
    const user = existing(state, command.userId);
    if (user.role === command.role) return [];
    return [event('TowerUserRoleChanged', { userId: user.id, role: command.role })];
  },
});

export const RenameTowerUser = defineCommand({
  type: 'RenameTowerUser',
  schema: z
    .object({ userId: idSchema, displayName: nameSchema, expectedVersion: expectedVersionSchema })
    .strict(),
  target: userTarget,
  load: loadUser,
  authorize: (actor, _state, command) => {
    if (actor.userId !== command.userId) requireAdmin(actor, "change another user's name");
  },
  decide: (state, command) => {
    const user = existing(state, command.userId);
    if (user.displayName === command.displayName) return [];
    return [event('TowerUserRenamed', { userId: user.id, displayName: command.displayName })];
  },
});

export const ChangeOwnPassword = defineCommand({
  type: 'ChangeOwnPassword',
  schema: z.object({ currentPassword: z.string().max(512), newPassword: passwordSchema }).strict(),
  secretFields: ['currentPassword', 'newPassword'],
  prepare: async (command, actor, services) => {
    if (!(await services.verifyPassword(actor.userId, command.currentPassword))) {
      throw new TowerError('wrong_password', 'The current password is wrong.', {
        field: 'currentPassword',
      });
    }
    return services.hashPassword(command.newPassword);
  },
  load: (reader, _command, actor) => ({ user: reader.towerUser(actor.userId) }),
  authorize: (actor) => {
    if (actor.role === 'system') {
      throw new TowerError('forbidden', 'Tower itself has no password to change.');
    }
  },
  decide: (state) => {
    const user = present(state.user, 'Tower user', '(self)');
    return [event('TowerUserPasswordChanged', { userId: user.id, reset: false })];
  },
  secrets: (_command, events, hash: string) =>
    events.map((e) => ({
      id: secretEntry.password((e.data as { userId: string }).userId),
      value: hash,
    })),
});

export const ResetTowerUserPassword = defineCommand({
  type: 'ResetTowerUserPassword',
  schema: z.object({ userId: idSchema, password: passwordSchema }).strict(),
  secretFields: ['password'],
  target: userTarget,
  prepare: async (command, _actor, services) => services.hashPassword(command.password),
  load: loadUser,
  authorize: (actor) => requireAdmin(actor, "reset another user's password"),
  decide: (state, command) => {
    const user = existing(state, command.userId);
    return [event('TowerUserPasswordChanged', { userId: user.id, reset: true })];
  },
  secrets: (command, _events, hash: string) => [
    { id: secretEntry.password(command.userId), value: hash },
  ],
});
