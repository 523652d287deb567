import { z } from 'zod';
import {
  emailSchema,
  expectedVersionSchema,
  nameSchema,
  passwordSchema,
} from '../../commands/rules.ts';
import { towerRoleSchema } from '../../events/index.ts';
import { apiRoute, type ApiContext, type CommandStep } from './api-route.ts';
import { pageQuery, pageRequest } from './page-query.ts';

const tag = 'Tower users';

const view = (ctx: ApiContext<unknown, unknown>, id: string) =>
  ctx.web.queries.towerUsers.get(ctx.viewer, id);

const createUser = z
  .object({ email: emailSchema, name: nameSchema, role: towerRoleSchema, password: passwordSchema })
  .strict();

/** One PATCH for every aspect of a Tower user; each aspect is its own command. */
const userPatch = z
  .object({
    name: nameSchema.optional(),
    role: towerRoleSchema.optional(),
    disabled: z.boolean({ error: 'must be true or false' }).optional(),
    /** A new password set by an admin (a reset); users change their own at /me/password. */
    password: passwordSchema.optional(),
    expectedVersion: expectedVersionSchema,
  })
  .strict();

function patchSteps(userId: string, patch: z.output<typeof userPatch>): CommandStep[] {
  const steps: CommandStep[] = [];
  if (patch.name !== undefined) {
    steps.push({ type: 'RenameTowerUser', input: { userId, displayName: patch.name } });
  }
  if (patch.role !== undefined) {
    steps.push({ type: 'ChangeTowerUserRole', input: { userId, role: patch.role } });
  }
  if (patch.disabled !== undefined) {
    const type = patch.disabled ? 'DisableTowerUser' : 'EnableTowerUser';
    steps.push({ type, input: { userId } });
  }
  if (patch.password !== undefined) {
    steps.push({ type: 'ResetTowerUserPassword', input: { userId, password: patch.password } });
  }
  return steps;
}

export const towerUserRoutes = [
  apiRoute({
    method: 'GET',
    path: '/users',
    cache: true,
    tag,
    summary: 'List Tower users by email (a user sees only themself); q searches email and name',
    query: pageQuery,
    handle: (ctx) => ctx.web.queries.towerUsers.list(ctx.viewer, pageRequest(ctx.query)),
  }),
  apiRoute({
    method: 'POST',
    path: '/users',
    tag,
    summary: 'Create a Tower user (admins)',
    body: createUser,
    status: 201,
    handle: async (ctx) => {
      const { name, ...rest } = ctx.body;
      const { id } = await ctx.run('CreateTowerUser', { ...rest, displayName: name });
      return ctx.created(`/users/${id}`, id!, () => view(ctx, id!));
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/users/:id',
    cache: true,
    tag,
    summary: 'Read a Tower user',
    handle: (ctx) => view(ctx, ctx.params.id!),
  }),
  apiRoute({
    method: 'PATCH',
    path: '/users/:id',
    tag,
    summary: 'Rename, change the role of, disable, enable or reset the password of a Tower user',
    body: userPatch,
    handle: async (ctx) => {
      const user = view(ctx, ctx.params.id!);
      await ctx.runSteps(patchSteps(user.id, ctx.body));
      // A reset password or a disabled account must not leave a session open.
      if (ctx.body.password !== undefined || ctx.body.disabled) {
        const own = user.id === ctx.auth.actor.userId ? ctx.auth.session?.idHash : undefined;
        ctx.web.sessions.endAllOf(user.id, own);
      }
      return view(ctx, user.id);
    },
  }),
];
