import { z } from 'zod';
import { defineEvent } from './define-event.ts';

const byTeam = (data: { teamId: string }) => data.teamId;

export const TeamCreated = defineEvent({
  type: 'TeamCreated',
  streamType: 'team',
  schema: z.object({ teamId: z.string(), name: z.string() }),
  streamIdOf: byTeam,
});

export const TeamRenamed = defineEvent({
  type: 'TeamRenamed',
  streamType: 'team',
  schema: z.object({ teamId: z.string(), name: z.string() }),
  streamIdOf: byTeam,
});

export const TeamDeleted = defineEvent({
  type: 'TeamDeleted',
  streamType: 'team',
  schema: z.object({ teamId: z.string() }),
  streamIdOf: byTeam,
});

export const TeamMemberAdded = defineEvent({
  type: 'TeamMemberAdded',
  streamType: 'team',
  schema: z.object({ teamId: z.string(), userId: z.string() }),
  streamIdOf: byTeam,
});

export const TeamMemberRemoved = defineEvent({
  type: 'TeamMemberRemoved',
  streamType: 'team',
  schema: z.object({ teamId: z.string(), userId: z.string() }),
  streamIdOf: byTeam,
});
