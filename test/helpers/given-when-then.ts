import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CommandOptions, CommandResult } from '../../src/app/command-bus.ts';
import { openTower, type Tower } from '../../src/app/open-tower.ts';
import { SYSTEM_ACTOR, type Actor } from '../../src/commands/index.ts';
import { TowerError, type ErrorCode } from '../../src/errors/index.ts';
import type { TowerEvent } from '../../src/events/index.ts';
import { secretEntry } from '../../src/domain/secret-entries.ts';
import { Nkey, type NkeyKind } from '../../src/signer/nkey.ts';

const opened: { tower: Tower; dataDir: string }[] = [];
const seeds = new Map<string, string>();

/**
 * A real NKey for the data of a Given event. The signer signs as it applies events, so `given`
 * puts the seed of every such key an event names into the Tower's keystore.
 */
export function testKey(kind: NkeyKind): string {
  const key = Nkey.create(kind);
  seeds.set(key.publicKey, key.seed());
  return key.publicKey;
}

/** The keys made by testKey that a value names, at any depth. */
function testKeysIn(value: unknown): string[] {
  if (typeof value === 'string') return seeds.has(value) ? [value] : [];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(testKeysIn);
  return [];
}

/** Closes every Tower the tests opened and removes its folder; register it with afterEach. */
export function closeTowers(): void {
  for (const { tower, dataDir } of opened.splice(0)) {
    tower.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Given: a fresh Tower whose log already holds these events, as if earlier commands had run.
 * The When runs through the real command bus, over a real SQLite file.
 *
 * @example
 * await given(adaExists, teamCreated('red'))
 *   .when('RenameTeam', { teamId: 'red', name: 'Blue' }, ADMIN)
 *   .thenEvents(event('TeamRenamed', { teamId: 'red', name: 'Blue' }));
 */
export function given(...events: TowerEvent[]): Scenario {
  const dataDir = mkdtempSync(join(tmpdir(), 'tower-gwt-'));
  const tower = openTower({ dataDir, synchronous: 'OFF' });
  opened.push({ tower, dataDir });
  return new Scenario(tower).and(...events);
}

export class Scenario {
  constructor(readonly tower: Tower) {}

  /** Appends more prior events straight into the log and the read models. */
  and(...events: TowerEvent[]): this {
    if (events.length === 0) return this;
    const commandId = `given-${randomUUID()}`;
    const metadata = {
      actorId: SYSTEM_ACTOR.userId,
      commandId,
      correlationId: commandId,
      occurredAt: new Date().toISOString(),
    };
    const { db, keystore, log, runner } = this.tower;
    db.transaction(() => {
      for (const publicKey of testKeysIn(events.map((e) => e.data))) {
        keystore.put(secretEntry.seed(publicKey), seeds.get(publicKey)!);
      }
      runner.apply(log.append(events, metadata));
    })();
    return this;
  }

  /** Gives a Tower user a password; passwords live in the keystore, never in events. */
  async withPassword(userId: string, password: string): Promise<this> {
    await this.tower.bus.execute('ResetTowerUserPassword', { userId, password }, SYSTEM_ACTOR);
    return this;
  }

  /** When: an actor runs a command. Nothing runs until one of the `then` steps asks for it. */
  when(type: string, input: unknown, actor: Actor, options?: CommandOptions): Outcome {
    return new Outcome(this.tower, () => this.tower.bus.execute(type, input, actor, options));
  }
}

export class Outcome {
  constructor(
    readonly tower: Tower,
    private readonly run: () => Promise<CommandResult>,
  ) {}

  /** Then: the command appended exactly these events, in this order. */
  async thenEvents(...expected: TowerEvent[]): Promise<CommandResult> {
    const result = await this.run();
    expect(result.events.map(({ type, data }) => ({ type, data }))).toEqual(expected);
    return result;
  }

  /** Then: the command was accepted and changed nothing. */
  async thenNoEvents(): Promise<CommandResult> {
    return this.thenEvents();
  }

  /** Then: the command was refused with this code, naming this field (none when omitted). */
  async thenFails(code: ErrorCode, field?: string): Promise<TowerError> {
    const before = this.tower.log.head().seq;
    const error = await this.run().then(
      () => expect.fail(`expected ${code}, but the command was accepted`),
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(TowerError);
    const { code: actualCode, field: actualField, message } = error as TowerError;
    expect({ code: actualCode, field: actualField }, message).toEqual({ code, field });
    expect(this.tower.log.head().seq, 'a refused command appends nothing').toBe(before);
    return error as TowerError;
  }

  /** Then: validation refused the input, naming the field and the rule it breaks. */
  async thenRejectsInput(field: string, rule: string | RegExp): Promise<TowerError> {
    const error = await this.thenFails('invalid_input', field);
    expect(error.context.rule).toMatch(rule);
    return error;
  }
}
