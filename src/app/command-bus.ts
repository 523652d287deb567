import { createHash } from 'node:crypto';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import {
  commandRegistry,
  parseInput,
  type Actor,
  type AnyCommandDefinition,
  type DecideContext,
  type DomainReader,
  type PrepareServices,
} from '../commands/index.ts';
import { secretEntry } from '../domain/secret-entries.ts';
import { TowerError } from '../errors/index.ts';
import type { RecordedEvent, TowerEvent } from '../events/index.ts';
import type { ProjectionRunner } from '../projections/projection-runner.ts';
import { canonicalJson } from '../store/canonical-json.ts';
import { versionConflict, type EventLog } from '../store/event-log.ts';
import type { Keystore } from '../store/keystore.ts';
import { CommitFeed } from './commit-feed.ts';
import { newCommandId, newId } from './ids.ts';

const { SqliteError } = BetterSqlite3;

export interface CommandOptions {
  /** The client's id for this command; running it again returns the first outcome. */
  commandId?: string;
  correlationId?: string;
}

export interface CommandResult {
  commandId: string;
  /** The id of the entity the command created or changed. */
  id: string | null;
  firstSeq: number | null;
  lastSeq: number | null;
  eventCount: number;
  /** True when the command id had been seen and nothing new was appended. */
  replayed: boolean;
  /** The events appended now; empty for a replayed command. */
  events: RecordedEvent[];
}

export interface CommandBusDeps {
  db: Database;
  log: EventLog;
  runner: ProjectionRunner;
  reader: DomainReader;
  keystore: Keystore;
  services: PrepareServices;
  /** Creates a key pair, returns its public key and seed. */
  createKey(kind: 'operator' | 'account' | 'user'): { publicKey: string; seed: string };
  now?: () => Date;
}

type Stored = Omit<CommandResult, 'replayed' | 'events' | 'commandId'>;
type Outcome = { ok: true; results: CommandResult[] } | { ok: false; error: unknown };

/** One command of a unit that `executeAll` stores whole or not at all. */
export interface CommandStep {
  type: string;
  input: unknown;
  options?: CommandOptions;
}

/** What identifies a command in the ledger: its id and the digest of what it asked. */
interface LedgerKey {
  commandId: string;
  payloadHash: string;
}

/** What waits for the next commit: one command, or several that stand or fall together. */
interface Queued {
  keys: LedgerKey[];
  run: () => CommandResult[];
  resolve: (results: CommandResult[]) => void;
  reject: (error: unknown) => void;
}

/** A command's definition and its input, checked against the definition's schema. */
interface Parsed {
  definition: AnyCommandDefinition;
  command: unknown;
}

/** A command checked and ready to be decided: its definition, input, ids and prepared work. */
interface Ready extends Parsed {
  prepared: unknown;
  ids: LedgerKey & { correlationId: string };
  recheck: boolean;
}

/**
 * Runs commands: validate, prepare (slow async work such as password hashing), then in one
 * SQLite transaction load, authorize, decide, append, project, store secrets and record the
 * command id. Commands that arrive together share the transaction (group commit).
 */
export class CommandBus {
  readonly #deps: CommandBusDeps;
  readonly #findCommand: Statement<[string], { payload_hash: string; result: string }>;
  readonly #recordCommand: Statement;
  /** Every appended event, once and in order, whoever appended it: for publisher and mirror. */
  readonly commits: CommitFeed;
  readonly #pending: Queued[] = [];
  /** Command ids waiting in the queue or in the batch being committed, with their count. */
  readonly #queued = new Map<string, number>();

  constructor(deps: CommandBusDeps) {
    this.#deps = deps;
    this.commits = new CommitFeed(deps.log);
    this.#findCommand = deps.db.prepare(
      'SELECT payload_hash, result FROM commands WHERE command_id = ?',
    );
    this.#recordCommand = deps.db.prepare(
      `INSERT INTO commands (command_id, command_type, actor_id, payload_hash, result, first_seq,
         last_seq, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  async execute(
    type: string,
    input: unknown,
    actor: Actor,
    options: CommandOptions = {},
  ): Promise<CommandResult> {
    const ready = await this.#ready(this.#parse(type, input), actor, options);
    if ('replayed' in ready) return ready;
    // The ledger is read again in the transaction only when the same id may have been
    // recorded since the look in #ready: it waits in the queue already, or a prepare step let
    // other commands run. Otherwise the ledger's primary key is the last word (see #flush).
    ready.recheck ||= this.#queued.has(ready.ids.commandId);
    const [result] = await this.#enqueue([ready.ids], () => [this.#decideAndAppend(ready, actor)]);
    return result!;
  }

  /**
   * Runs several commands as one unit, in order: all are stored in one savepoint or none is,
   * so a refusal of a later command leaves the earlier ones unapplied. Each keeps its own
   * command id and result; run again with the same ids, the unit returns its first outcome.
   * Every input is checked before anything runs.
   *
   * @example bus.executeAll([{ type: 'UpdateAccount', input }, { type: 'SetAccountTeams', input: teams }], actor)
   */
  async executeAll(steps: readonly CommandStep[], actor: Actor): Promise<CommandResult[]> {
    const parsed = steps.map((step) => this.#parse(step.type, step.input));
    const ready: (Ready | CommandResult)[] = [];
    for (const [index, step] of steps.entries()) {
      ready.push(await this.#ready(parsed[index]!, actor, step.options));
    }
    const pending = ready.filter((entry): entry is Ready => !('replayed' in entry));
    if (pending.length === 0) return ready as CommandResult[];
    return this.#enqueue(
      pending.map((entry) => entry.ids),
      () =>
        ready.map((entry) =>
          'replayed' in entry ? entry : this.#decideAndAppend({ ...entry, recheck: true }, actor),
        ),
    );
  }

  #parse(type: string, input: unknown): Parsed {
    const definition = commandRegistry.get(type);
    if (!definition) {
      throw new TowerError('invalid_input', `Unknown command "${type}".`, { field: 'type' });
    }
    return { definition, command: parseInput(definition.schema, input) };
  }

  /** Checks a command and does its slow work; a command id seen before gives its outcome. */
  async #ready(
    { definition, command }: Parsed,
    actor: Actor,
    options: CommandOptions = {},
  ): Promise<Ready | CommandResult> {
    const commandId = options.commandId ?? newCommandId();
    const payloadHash = hashPayload(definition, command, actor);

    const earlier = this.#replayed(commandId, payloadHash);
    if (earlier) return earlier;

    let prepared: unknown;
    if (definition.prepare) {
      // Slow work (password hashing) only for an actor who may run the command; the check is
      // repeated in the transaction against the state the command is decided on.
      this.#authorize(definition, command, actor);
      prepared = await definition.prepare(command, actor, this.#deps.services);
    }

    const ids = { commandId, payloadHash, correlationId: options.correlationId ?? commandId };
    return { definition, command, prepared, ids, recheck: definition.prepare !== undefined };
  }

  /**
   * Group commit: commands that arrive in the same turn of the event loop share one
   * transaction and so one fsync. Each runs in its own savepoint, so a refused command rolls
   * back alone and its caller gets its error; the others commit together.
   */
  #enqueue(keys: LedgerKey[], run: () => CommandResult[]): Promise<CommandResult[]> {
    for (const { commandId } of keys) {
      this.#queued.set(commandId, (this.#queued.get(commandId) ?? 0) + 1);
    }
    return new Promise((resolve, reject) => {
      this.#pending.push({ keys, run, resolve, reject });
      if (this.#pending.length === 1) setImmediate(() => this.#flush());
    });
  }

  #flush(): void {
    const batch = this.#pending.splice(0);
    const outcomes: Outcome[] = [];
    const { db } = this.#deps;
    try {
      db.transaction(() => {
        let lastSeq = 0;
        for (const item of batch) {
          try {
            const results = db.transaction(item.run)();
            for (const result of results) {
              if (!result.replayed && result.lastSeq !== null) lastSeq = result.lastSeq;
            }
            outcomes.push({ ok: true, results });
          } catch (error) {
            outcomes.push(this.#afterRollback(item, error));
          }
        }
        if (lastSeq > 0) this.#deps.runner.checkpoint(lastSeq);
      }).immediate();
    } catch (error) {
      // The commit itself failed: nothing of the batch is stored.
      this.#dequeue(batch);
      for (const item of batch) item.reject(error);
      return;
    }
    this.#dequeue(batch);
    for (const [index, outcome] of outcomes.entries()) {
      const item = batch[index]!;
      if (!outcome.ok) {
        item.reject(outcome.error);
        continue;
      }
      for (const { events } of outcome.results) this.commits.committed(events);
      item.resolve(outcome.results);
    }
  }

  /**
   * The outcome of a command whose savepoint was rolled back. A command id that another
   * writer recorded meanwhile (the ledger's key refused it) answers with that first outcome.
   */
  #afterRollback(item: Queued, error: unknown): Outcome {
    if (!isLedgerConflict(error)) return { ok: false, error };
    try {
      const earlier = item.keys.map((key) => this.#replayed(key.commandId, key.payloadHash));
      return earlier.every((result) => result !== undefined)
        ? { ok: true, results: earlier }
        : { ok: false, error };
    } catch (refusal) {
      return { ok: false, error: refusal };
    }
  }

  #dequeue(batch: readonly Queued[]): void {
    for (const { commandId } of batch.flatMap((item) => item.keys)) {
      const left = (this.#queued.get(commandId) ?? 1) - 1;
      if (left > 0) this.#queued.set(commandId, left);
      else this.#queued.delete(commandId);
    }
  }

  #replayed(commandId: string, payloadHash: string): CommandResult | undefined {
    const row = this.#findCommand.get(commandId);
    if (!row) return undefined;
    if (row.payload_hash !== payloadHash) {
      throw new TowerError(
        'command_id_reused',
        `Command id "${commandId}" was already used for a different command.`,
        { field: 'commandId' },
      );
    }
    return { commandId, ...(JSON.parse(row.result) as Stored), replayed: true, events: [] };
  }

  #decideAndAppend(
    { definition, command, prepared, ids, recheck }: Ready,
    actor: Actor,
  ): CommandResult {
    const earlier = recheck ? this.#replayed(ids.commandId, ids.payloadHash) : undefined;
    if (earlier) return earlier;

    const { log, runner, keystore } = this.#deps;
    const { actingAs, state } = this.#authorize(definition, command, actor);

    const now = (this.#deps.now?.() ?? new Date()).toISOString();
    const pendingSeeds: { publicKey: string; seed: string }[] = [];
    const ctx: DecideContext = {
      now,
      newId,
      newKey: (kind) => {
        const key = this.#deps.createKey(kind);
        pendingSeeds.push(key);
        return key.publicKey;
      },
    };
    const decided: TowerEvent[] = definition.decide(state, command, ctx);

    const expected = this.#expectedVersions(definition, command);
    const metadata = {
      actorId: actingAs.userId,
      commandId: ids.commandId,
      correlationId: ids.correlationId,
      occurredAt: now,
    };
    // Seeds first: the signer projection signs with them while it applies the events.
    for (const { publicKey, seed } of pendingSeeds) keystore.put(secretEntry.seed(publicKey), seed);
    for (const secret of definition.secrets?.(command, decided, prepared) ?? []) {
      if (secret.value === null) keystore.delete(secret.id);
      else keystore.put(secret.id, secret.value);
    }
    const events = log.append(decided, metadata, expected);
    runner.project(events);

    const stored: Stored = {
      id: events[0]?.streamId ?? definition.target?.(command).streamId ?? null,
      firstSeq: events[0]?.seq ?? null,
      lastSeq: events.at(-1)?.seq ?? null,
      eventCount: events.length,
    };
    this.#recordCommand.run(
      ids.commandId,
      definition.type,
      actingAs.userId,
      ids.payloadHash,
      JSON.stringify(stored),
      stored.firstSeq,
      stored.lastSeq,
      now,
    );
    return { commandId: ids.commandId, ...stored, replayed: false, events };
  }

  #authorize(definition: AnyCommandDefinition, command: unknown, actor: Actor) {
    const actingAs = this.#currentActor(actor);
    const state: unknown = definition.load(this.#deps.reader, command, actingAs);
    definition.authorize(actingAs, state, command);
    return { actingAs, state };
  }

  /**
   * The version the client read, if it sent one. It is checked here as well as at append, so
   * that a stale client learns of the conflict even when its command would change nothing.
   */
  #expectedVersions(definition: AnyCommandDefinition, command: unknown): Map<string, number> {
    const expected = new Map<string, number>();
    const expectedVersion = (command as { expectedVersion?: number }).expectedVersion;
    if (!definition.target || expectedVersion === undefined) return expected;

    const { streamType, streamId } = definition.target(command);
    const actual = this.#deps.log.streamVersion(streamType, streamId);
    if (actual !== expectedVersion) {
      throw versionConflict(streamType, streamId, expectedVersion, actual);
    }
    expected.set(`${streamType}:${streamId}`, expectedVersion);
    return expected;
  }

  /** The actor as the read models know them now: a disabled or removed user may do nothing. */
  #currentActor(actor: Actor): Actor {
    if (actor.role === 'system') return actor;
    const user = this.#deps.reader.towerUser(actor.userId);
    if (!user || user.disabled) {
      throw new TowerError('unauthenticated', 'This Tower user is disabled or does not exist.');
    }
    return { userId: user.id, role: user.role };
  }
}

/** A digest of the command without its secret fields, to tell a reused command id apart. */
function hashPayload(definition: AnyCommandDefinition, command: unknown, actor: Actor): string {
  const visible = { ...(command as Record<string, unknown>) };
  for (const field of definition.secretFields ?? []) delete visible[field];
  return createHash('sha256')
    .update(canonicalJson({ type: definition.type, actor: actor.userId, command: visible }))
    .digest('hex');
}

/** The ledger's primary key refused a command id: another writer recorded it first. */
function isLedgerConflict(error: unknown): boolean {
  return (
    error instanceof SqliteError &&
    error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' &&
    error.message.includes('commands.command_id')
  );
}
