import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LimitProfileView } from '../../projections/queries/index.ts';
import {
  execute,
  listQuery,
  nextPageHref,
  requireAdminPage,
  submitForm,
  viewerFor,
  type FieldErrors,
} from './form-actions.ts';
import { checked, formOf, text } from './form-input.ts';
import {
  FLAG_LIMITS,
  NUMBER_LIMITS,
  PROFILE_FIELDS,
  limitsInput,
  postedProfileValues,
  profileValues,
} from './limit-profile-form.ts';
import { CACHED_PAGE, renderPage } from './render.ts';

type WithId = { Params: { id: string } };

function renderProfiles(request: FastifyRequest, reply: FastifyReply) {
  requireAdminPage(request);
  const { search, cursor } = listQuery(request);
  const page = request.server.web.queries.limitProfiles.list(viewerFor(request), {
    search,
    cursor,
    limit: 50,
  });
  return renderPage(request, reply, 'admin/limit-profiles', {
    title: 'Limit profiles',
    section: 'admin',
    profiles: page.items,
    search,
    nextHref: nextPageHref('/admin/limit-profiles', search, page.nextCursor),
  });
}

function renderProfileForm(
  request: FastifyRequest,
  reply: FastifyReply,
  profile: LimitProfileView | null,
  values: Record<string, string>,
  errors: FieldErrors = {},
) {
  const query = request.query as Record<string, unknown>;
  return renderPage(request, reply, 'admin/limit-profile', {
    title: profile ? `Limit profile ${profile.name}` : 'New limit profile',
    section: 'admin',
    profile,
    values,
    errors,
    numberLimits: NUMBER_LIMITS,
    flagLimits: FLAG_LIMITS,
    notice:
      query.done === 'saved'
        ? 'Saved; accounts that follow this profile are re-signed.'
        : undefined,
  });
}

/** Limit profiles are readable by everyone, so a user's attempt is simply forbidden (403). */
function targetProfile(request: FastifyRequest<WithId>): LimitProfileView {
  requireAdminPage(request);
  return request.server.web.queries.limitProfiles.get(viewerFor(request), request.params.id);
}

/** Admins name sets of account limits; accounts follow a profile, new ones the default. */
export async function adminLimitProfilePages(app: FastifyInstance): Promise<void> {
  app.get('/admin/limit-profiles', CACHED_PAGE, async (request, reply) =>
    renderProfiles(request, reply),
  );

  app.get('/admin/limit-profiles/new', async (request, reply) => {
    requireAdminPage(request);
    return renderProfileForm(request, reply, null, profileValues());
  });

  app.post('/admin/limit-profiles', async (request, reply) => {
    requireAdminPage(request);
    const form = formOf(request);
    return submitForm(request, reply, {
      fields: PROFILE_FIELDS,
      action: async () => {
        const input = {
          name: text(form, 'name'),
          description: text(form, 'description'),
          limits: limitsInput(form),
          isDefault: checked(form, 'isDefault'),
        };
        const { id } = await execute(request, 'CreateLimitProfile', input);
        return `/admin/limit-profiles/${id}?done=saved`;
      },
      rerender: (errors) =>
        renderProfileForm(request, reply, null, postedProfileValues(form), errors),
    });
  });

  app.get<WithId>('/admin/limit-profiles/:id', CACHED_PAGE, async (request, reply) => {
    const profile = targetProfile(request);
    return renderProfileForm(request, reply, profile, profileValues(profile));
  });

  app.post<WithId>('/admin/limit-profiles/:id', async (request, reply) => {
    const profile = targetProfile(request);
    const form = formOf(request);
    return submitForm(request, reply, {
      fields: PROFILE_FIELDS,
      action: async () => {
        const input = {
          profileId: profile.id,
          name: text(form, 'name'),
          description: text(form, 'description'),
          limits: limitsInput(form),
        };
        await execute(request, 'UpdateLimitProfile', input);
        return `/admin/limit-profiles/${profile.id}?done=saved`;
      },
      rerender: (errors) =>
        renderProfileForm(request, reply, profile, postedProfileValues(form), errors),
    });
  });

  app.post<WithId>('/admin/limit-profiles/:id/default', async (request, reply) => {
    const profile = targetProfile(request);
    return submitForm(request, reply, {
      fields: [],
      action: async () => {
        await execute(request, 'MarkDefaultLimitProfile', { profileId: profile.id });
        return '/admin/limit-profiles';
      },
      rerender: (errors) =>
        renderProfileForm(request, reply, profile, profileValues(profile), errors),
    });
  });

  app.post<WithId>('/admin/limit-profiles/:id/delete', async (request, reply) => {
    const profile = targetProfile(request);
    return submitForm(request, reply, {
      fields: [],
      action: async () => {
        await execute(request, 'DeleteLimitProfile', { profileId: profile.id });
        return '/admin/limit-profiles';
      },
      rerender: (errors) =>
        renderProfileForm(request, reply, profile, profileValues(profile), errors),
    });
  });
}
