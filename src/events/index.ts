import type { z } from 'zod';
import * as accountEvents from './account-events.ts';
import * as apiTokenEvents from './api-token-events.ts';
import type { EventDefinition, NewEvent } from './define-event.ts';
import * as installationEvents from './installation-events.ts';
import * as limitProfileEvents from './limit-profile-events.ts';
import * as natsUserEvents from './nats-user-events.ts';
import * as teamEvents from './team-events.ts';
import * as towerUserEvents from './tower-user-events.ts';

export * from './define-event.ts';
export * from './account-events.ts';
export * from './api-token-events.ts';
export * from './installation-events.ts';
export * from './limit-profile-events.ts';
export * from './nats-user-events.ts';
export * from './team-events.ts';
export * from './tower-user-events.ts';

const definitions = [
  towerUserEvents.TowerUserCreated,
  towerUserEvents.TowerUserDisabled,
  towerUserEvents.TowerUserEnabled,
  towerUserEvents.TowerUserPasswordChanged,
  towerUserEvents.TowerUserRoleChanged,
  towerUserEvents.TowerUserRenamed,
  teamEvents.TeamCreated,
  teamEvents.TeamRenamed,
  teamEvents.TeamDeleted,
  teamEvents.TeamMemberAdded,
  teamEvents.TeamMemberRemoved,
  installationEvents.InstallationCreated,
  installationEvents.InstallationUpdated,
  installationEvents.InstallationTeamsSet,
  installationEvents.InstallationDeleted,
  limitProfileEvents.LimitProfileCreated,
  limitProfileEvents.LimitProfileUpdated,
  limitProfileEvents.LimitProfileDeleted,
  limitProfileEvents.LimitProfileMarkedDefault,
  accountEvents.AccountCreated,
  accountEvents.AccountUpdated,
  accountEvents.AccountTeamsSet,
  accountEvents.AccountLimitsSet,
  accountEvents.AccountDeleted,
  natsUserEvents.NatsUserCreated,
  natsUserEvents.NatsUserUpdated,
  natsUserEvents.NatsUserCredentialsRotated,
  natsUserEvents.NatsUserDeleted,
  apiTokenEvents.ApiTokenCreated,
  apiTokenEvents.ApiTokenRevoked,
] as const;

type Definitions = (typeof definitions)[number];

/** Every event type Tower writes, as a discriminated union of `{ type, data }`. */
export type TowerEvent = {
  [D in Definitions as D['type']]: NewEvent<D['type'], z.infer<D['schema']>>;
}[Definitions['type']];

export type TowerEventType = TowerEvent['type'];

export type EventOf<T extends TowerEventType> = Extract<TowerEvent, { type: T }>;

export const eventRegistry: ReadonlyMap<string, EventDefinition> = new Map(
  definitions.map((definition) => [definition.type, definition as EventDefinition]),
);

export const eventTypes: readonly TowerEventType[] = definitions.map((d) => d.type);

/** Builds a typed event; the compiler checks the data against the event's schema. */
export function event<T extends TowerEventType>(type: T, data: EventOf<T>['data']): EventOf<T> {
  return { type, data } as EventOf<T>;
}

/**
 * Brings stored event data up to the current schema version of its type, one step at a time.
 */
export function upcast(type: string, schemaVersion: number, data: Record<string, unknown>) {
  const definition = eventRegistry.get(type);
  if (!definition) throw new Error(`Unknown event type "${type}"`);
  let current = data;
  for (let version = schemaVersion; version < definition.schemaVersion; version++) {
    const step = definition.upcasters[version];
    if (!step) throw new Error(`No upcaster for ${type} from version ${version}`);
    current = step(current);
  }
  return current;
}
