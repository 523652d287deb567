import type { z } from 'zod';
import type { StreamType, TowerEvent } from '../events/index.ts';
import type { TowerRole } from '../events/index.ts';
import type { DomainReader } from './domain-reader.ts';

/** Who acts: a Tower user, or Tower itself (first start, seeding, migrations). */
export interface Actor {
  userId: string;
  role: TowerRole | 'system';
}

export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: 'system', role: 'system' });

/** What a decider may ask of the world: time, new ids and new key pairs. */
export interface DecideContext {
  /** ISO-8601 time of the command; every event of it carries this time. */
  now: string;
  newId(): string;
  /** Creates a key pair, keeps its seed in the keystore and returns the public key. */
  newKey(kind: 'operator' | 'account' | 'user'): string;
}

/** Services the app layer lends to a command before its transaction opens (slow, async work). */
export interface PrepareServices {
  hashPassword(password: string): Promise<string>;
  verifyPassword(userId: string, password: string): Promise<boolean>;
}

/**
 * A secret the command stores in the keystore in the same transaction as its events; a null
 * value removes the entry.
 */
export interface SecretEntry {
  id: string;
  value: string | null;
}

/**
 * A command: its input schema, how to load the state it decides against, who may run it and
 * what it decides. `decide` and `authorize` are pure: they throw a TowerError to refuse.
 */
export interface CommandDefinition<T extends string, S extends z.ZodType, State, Prepared> {
  readonly type: T;
  readonly schema: S;
  /** Input fields never hashed into the command ledger (passwords). */
  readonly secretFields?: readonly string[];
  /** The stream a client-supplied `expectedVersion` refers to. */
  readonly target?: (command: z.infer<S>) => { streamType: StreamType; streamId: string };
  readonly prepare?: (
    command: z.infer<S>,
    actor: Actor,
    services: PrepareServices,
  ) => Promise<Prepared>;
  readonly load: (reader: DomainReader, command: z.infer<S>, actor: Actor) => State;
  readonly authorize: (actor: Actor, state: State, command: z.infer<S>) => void;
  readonly decide: (state: State, command: z.infer<S>, ctx: DecideContext) => TowerEvent[];
  readonly secrets?: (
    command: z.infer<S>,
    events: TowerEvent[],
    prepared: Prepared,
  ) => SecretEntry[];
}

// The pipeline handles definitions of every shape; their own types are checked where they are
// written, through defineCommand.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommandDefinition = CommandDefinition<string, z.ZodType, any, any>;

export function defineCommand<T extends string, S extends z.ZodType, State, Prepared = undefined>(
  definition: CommandDefinition<T, S, State, Prepared>,
): CommandDefinition<T, S, State, Prepared> {
  return definition;
}
