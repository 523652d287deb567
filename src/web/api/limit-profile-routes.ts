import { z } from 'zod';
import { CreateLimitProfile, UpdateLimitProfile } from '../../commands/limit-profile-commands.ts';
import { apiRoute, type ApiContext, type CommandStep } from './api-route.ts';
import { pageQuery, pageRequest } from './page-query.ts';

const tag = 'limit profiles';

const view = (ctx: ApiContext<unknown, unknown>, id: string) =>
  ctx.web.queries.limitProfiles.get(ctx.viewer, id);

const profilePatch = UpdateLimitProfile.schema
  .omit({ profileId: true })
  .extend({
    /** True makes this the profile new accounts follow; a default is unmarked by marking another. */
    isDefault: z.literal(true, { error: 'can only be true' }).optional(),
  })
  .strict();

function patchSteps(profileId: string, patch: z.output<typeof profilePatch>): CommandStep[] {
  const { isDefault, expectedVersion, ...changes } = patch;
  const steps: CommandStep[] = [];
  if (Object.values(changes).some((value) => value !== undefined)) {
    steps.push({ type: 'UpdateLimitProfile', input: { ...changes, profileId, expectedVersion } });
  }
  if (isDefault) steps.push({ type: 'MarkDefaultLimitProfile', input: { profileId } });
  return steps;
}

export const limitProfileRoutes = [
  apiRoute({
    method: 'GET',
    path: '/limit-profiles',
    cache: true,
    tag,
    summary: 'List limit profiles by name',
    query: pageQuery,
    handle: (ctx) => ctx.web.queries.limitProfiles.list(ctx.viewer, pageRequest(ctx.query)),
  }),
  apiRoute({
    method: 'POST',
    path: '/limit-profiles',
    tag,
    summary: 'Create a limit profile; limits left out are unlimited (admins)',
    body: CreateLimitProfile.schema,
    status: 201,
    handle: async (ctx) => {
      const { id } = await ctx.run('CreateLimitProfile', ctx.body);
      return ctx.created(`/limit-profiles/${id}`, id!, () => view(ctx, id!));
    },
  }),
  apiRoute({
    method: 'GET',
    path: '/limit-profiles/:id',
    cache: true,
    tag,
    summary: 'Read a limit profile',
    handle: (ctx) => view(ctx, ctx.params.id!),
  }),
  apiRoute({
    method: 'PATCH',
    path: '/limit-profiles/:id',
    tag,
    summary: 'Change a limit profile or make it the default; its accounts follow (admins)',
    body: profilePatch,
    handle: async (ctx) => {
      const profile = view(ctx, ctx.params.id!);
      await ctx.runSteps(patchSteps(profile.id, ctx.body));
      return view(ctx, profile.id);
    },
  }),
  apiRoute({
    method: 'DELETE',
    path: '/limit-profiles/:id',
    tag,
    summary: 'Delete a limit profile no account follows (admins)',
    handle: async (ctx) => {
      await ctx.run('DeleteLimitProfile', { profileId: ctx.params.id });
    },
  }),
];
