import * as accountCommands from './account-commands.ts';
import * as apiTokenCommands from './api-token-commands.ts';
import type { AnyCommandDefinition } from './define-command.ts';
import * as natsUserCommands from './nats-user-commands.ts';
import * as installationCommands from './installation-commands.ts';
import * as limitProfileCommands from './limit-profile-commands.ts';
import * as teamCommands from './team-commands.ts';
import * as towerUserCommands from './tower-user-commands.ts';

export * from './define-command.ts';
export type * from './domain-reader.ts';
export { parseInput } from './parse-input.ts';

const definitions: AnyCommandDefinition[] = [
  ...Object.values(towerUserCommands),
  ...Object.values(installationCommands),
  ...Object.values(limitProfileCommands),
  ...Object.values(teamCommands),
  ...Object.values(accountCommands),
  ...Object.values(natsUserCommands),
  ...Object.values(apiTokenCommands),
];

/** Every command Tower accepts, by type. */
export const commandRegistry: ReadonlyMap<string, AnyCommandDefinition> = new Map(
  definitions.map((definition) => [definition.type, definition]),
);
