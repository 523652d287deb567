import type { NatsConnection } from '@nats-io/transport-node';
import type { Tower } from '../app/open-tower.ts';
import { TowerError } from '../errors/index.ts';
import type { RecordedEvent } from '../events/index.ts';
import { InstallationSession, type SessionDeps } from './installation-session.ts';
import {
  StatusStore,
  readInstallationStatus,
  type InstallationStatus,
  type StatusScope,
} from './installation-status.ts';
import type { PublishedEvent } from './outbox-drainer.ts';
import { OutboxStore } from './outbox-store.ts';
import { resolveOptions, type PublisherOptions } from './publisher-options.ts';
import type { ReconcileReport } from './reconcile.ts';

/** The parts of a Tower the publisher uses. */
export type PublisherTower = Pick<Tower, 'db' | 'jwts' | 'bus'>;

/** Publishes the outbox to every installation and keeps their status. */
export interface Publisher {
  /** Closes every link; pending rows stay in the outbox for the next start. */
  stop(): Promise<void>;
  /** Sends what is due now, for one installation or all. */
  kick(installationId?: string): void;
  /** Compares the servers' accounts with Tower's and requeues the difference. */
  reconcile(installationId: string): Promise<ReconcileReport>;
  /** The installation's servers and where each account stands. */
  status(installationId: string, scope?: StatusScope): InstallationStatus;
  /**
   * The installation's connection as Tower's system user while it is up, for read-only system
   * requests such as monitoring; undefined while it connects or when there is no such session.
   */
  connection(installationId: string): NatsConnection | undefined;
  /** Told after each acknowledged publication. */
  onPublished(listener: (event: PublishedEvent) => void): () => void;
}

interface InstallationRow {
  id: string;
  urls: string;
  system_account_public_key: string;
}

/**
 * Starts publishing: one session per installation (link, outbox drainer, status, reconcile),
 * woken by every commit. Whatever was pending before a restart is sent once the links are up.
 *
 * @example
 * const publisher = startPublisher(tower, { logger });
 * publisher.status(installationId).accounts; // published, pending or failed, per account
 * await publisher.stop();
 */
export function startPublisher(tower: PublisherTower, options: PublisherOptions = {}): Publisher {
  const resolved = resolveOptions(options);
  const store = new OutboxStore(tower.db);
  const listeners = new Set<(event: PublishedEvent) => void>();
  const deps: SessionDeps = {
    db: tower.db,
    jwts: tower.jwts,
    store,
    status: new StatusStore(tower.db),
    options: resolved,
    onPublished: (event) => {
      for (const listener of listeners) listener(event);
    },
  };
  const sessions = new Sessions(tower, deps);
  sessions.openAll();

  const unsubscribe = tower.bus.commits.on((events) => {
    sessions.follow(events);
    for (const id of store.installationsWithPending()) sessions.get(id)?.kick();
  });

  return {
    stop: async () => {
      unsubscribe();
      await sessions.closeAll();
    },
    kick: (installationId) => {
      if (installationId) sessions.get(installationId)?.kick();
      else sessions.all().forEach((session) => session.kick());
    },
    reconcile: async (installationId) => sessions.require(installationId).reconcile(),
    status: (installationId, scope) => readInstallationStatus(tower.db, installationId, scope),
    connection: (installationId) => sessions.get(installationId)?.connection,
    onPublished: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The running sessions, opened and closed as installations come and go. */
class Sessions {
  readonly #tower: PublisherTower;
  readonly #deps: SessionDeps;
  readonly #sessions = new Map<string, InstallationSession>();
  /** Closing sessions; a new session for the same installation starts after its close. */
  readonly #closing = new Map<string, Promise<void>>();
  #stopped = false;

  constructor(tower: PublisherTower, deps: SessionDeps) {
    this.#tower = tower;
    this.#deps = deps;
  }

  get(installationId: string): InstallationSession | undefined {
    return this.#sessions.get(installationId);
  }

  require(installationId: string): InstallationSession {
    const session = this.get(installationId);
    if (!session) {
      throw new TowerError('not_found', `No installation with id "${installationId}".`, {
        field: 'installationId',
      });
    }
    return session;
  }

  all(): InstallationSession[] {
    return [...this.#sessions.values()];
  }

  openAll(): void {
    const ids = this.#tower.db.prepare('SELECT id FROM installations ORDER BY id').pluck().all();
    for (const id of ids as string[]) this.#open(id);
  }

  /** Opens, reopens (new URLs) or closes sessions after the events of a commit. */
  follow(events: readonly RecordedEvent[]): void {
    for (const event of events) {
      const { installationId, urls } = event.data as { installationId?: string; urls?: unknown };
      if (!installationId || event.streamType !== 'installation') continue;
      if (event.type === 'InstallationCreated') this.#open(installationId);
      else if (event.type === 'InstallationUpdated' && urls) this.#reopen(installationId);
      else if (event.type === 'InstallationDeleted') void this.#close(installationId, true);
    }
  }

  async closeAll(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#sessions.keys()].map((id) => this.#close(id, false)));
    await Promise.all(this.#closing.values());
  }

  #open(installationId: string): void {
    if (this.#stopped || this.#sessions.has(installationId)) return;
    const row = this.#tower.db
      .prepare('SELECT id, urls, system_account_public_key FROM installations WHERE id = ?')
      .get(installationId) as InstallationRow | undefined;
    if (!row) return;
    const session = new InstallationSession(
      {
        id: row.id,
        urls: JSON.parse(row.urls) as string[],
        systemAccountKey: row.system_account_public_key,
      },
      this.#deps,
    );
    this.#sessions.set(installationId, session);
    session.start();
  }

  #reopen(installationId: string): void {
    void this.#close(installationId, false).then(() => this.#open(installationId));
  }

  async #close(installationId: string, forget: boolean): Promise<void> {
    const session = this.#sessions.get(installationId);
    this.#sessions.delete(installationId);
    const closing = (this.#closing.get(installationId) ?? Promise.resolve())
      .then(() => session?.close())
      .catch((error: unknown) => {
        this.#deps.options.logger.error({ installationId, err: error }, 'session close failed');
      })
      .finally(() => {
        if (forget) this.#deps.status.remove(installationId);
      });
    this.#closing.set(installationId, closing);
    await closing;
    if (this.#closing.get(installationId) === closing) this.#closing.delete(installationId);
  }
}
