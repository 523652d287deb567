import type { NatsConnection } from '@nats-io/transport-node';
import type { Database } from 'better-sqlite3';
import { TowerError } from '../errors/index.ts';
import type { SignedJwts } from '../signer/signed-jwts.ts';
import type { ConnectionEvent, LastingConnection } from '../nats/lasting-connection.ts';
import { installationLink } from './installation-link.ts';
import type { StatusStore } from './installation-status.ts';
import { OutboxDrainer, type PublishedEvent } from './outbox-drainer.ts';
import type { OutboxStore } from './outbox-store.ts';
import type { ResolvedOptions } from './publisher-options.ts';
import { reconcileInstallation, type ReconcileReport } from './reconcile.ts';
import { pingServers } from './server-ping.ts';
import { describeError } from '../nats/describe-error.ts';
import { SystemSubject, type ServerInfo } from './system-requests.ts';

/** The installation facts a session needs, from the `installations` table. */
export interface SessionInstallation {
  id: string;
  urls: string[];
  systemAccountKey: string;
}

export interface SessionDeps {
  db: Database;
  jwts: SignedJwts;
  store: OutboxStore;
  status: StatusStore;
  options: ResolvedOptions;
  onPublished: (event: PublishedEvent) => void;
}

/**
 * Everything the publisher does for one installation: the link, the outbox drainer, the
 * periodic ping that keeps the status and brings returning servers up to date, and reconcile
 * after every (re)connect.
 */
export class InstallationSession {
  readonly installation: SessionInstallation;
  readonly #deps: SessionDeps;
  readonly #link: LastingConnection;
  readonly #drainer: OutboxDrainer;
  readonly #watched = new WeakSet<NatsConnection>();
  /** Work started in the background, awaited by close() so nothing writes after it. */
  readonly #background = new Set<Promise<unknown>>();
  #closed = false;
  #servers: ServerInfo[] = [];
  #refreshing: Promise<void> | undefined;
  #interval: NodeJS.Timeout | undefined;

  constructor(installation: SessionInstallation, deps: SessionDeps) {
    this.installation = installation;
    this.#deps = deps;
    const { logger, timings, backoff } = deps.options;
    this.#link = installationLink({
      installationId: installation.id,
      urls: installation.urls,
      creds: () => deps.jwts.systemUserCreds(installation.id),
      logger,
      connectTimeoutMs: timings.connectTimeoutMs,
      reconnectWaitMs: timings.reconnectWaitMs,
      retry: { baseMs: timings.reconnectWaitMs, capMs: Math.max(backoff.capMs, 1_000) },
    });
    this.#drainer = new OutboxDrainer({
      installationId: installation.id,
      store: deps.store,
      connection: () => this.#link.connection,
      expectedServers: () => this.#servers.length,
      options: deps.options,
      onPublished: deps.onPublished,
    });
    this.#link.onChange((event) => this.#linkChanged(event));
  }

  start(): void {
    this.#link.start();
    const every = this.#deps.options.timings.statusIntervalMs;
    this.#interval = setInterval(() => this.#inBackground(this.refresh()), every);
    this.#interval.unref();
  }

  /** The link's connection while it is up. */
  get connection(): NatsConnection | undefined {
    return this.#link.connection;
  }

  /** Sends whatever is due now. */
  kick(): void {
    this.#drainer.wake();
  }

  /** Pings the servers, stores what answered and requeues what a returning server lacks. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  /** Compares the servers' accounts with Tower's and requeues the difference. */
  async reconcile(): Promise<ReconcileReport> {
    const nc = this.#link.connection;
    if (!nc) {
      const error = this.#link.state().lastError ?? 'not connected yet';
      throw new TowerError('invalid_state', `The installation is not reachable: ${error}`, {
        context: { installationId: this.installation.id },
      });
    }
    const report = await reconcileInstallation(nc, {
      db: this.#deps.db,
      store: this.#deps.store,
      installationId: this.installation.id,
      systemAccountKey: this.installation.systemAccountKey,
      expectedServers: this.#servers.length,
      timings: this.#deps.options.timings,
    });
    if (this.#closed) return report;
    this.#deps.status.driftFound(this.installation.id, report.drift);
    const requeued = report.missing.length + report.outdated.length + report.undeleted.length;
    const level = requeued > 0 || report.drift.length > 0 ? 'warn' : 'info';
    const { checkedAt: _, ...facts } = report;
    this.#deps.options.logger[level](facts, 'installation reconciled');
    if (requeued > 0) this.#drainer.wake();
    return report;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#interval);
    this.#drainer.stop();
    await this.#link.close();
    await this.#drainer.idle();
    await Promise.allSettled([...this.#background]);
  }

  #inBackground(work: Promise<unknown>): void {
    this.#background.add(work);
    void work.finally(() => this.#background.delete(work));
  }

  #linkChanged(event: ConnectionEvent): void {
    const { id } = this.installation;
    if (event.type === 'disconnected') {
      this.#deps.status.linkChanged(id, null, event.error);
      return;
    }
    this.#deps.status.linkChanged(id, event.server, null);
    this.#watchServers(event.nc);
    this.#deps.store.retryNow(id);
    this.#drainer.wake();
    this.#inBackground(this.#afterConnect());
  }

  async #afterConnect(): Promise<void> {
    await this.refresh();
    if (this.#closed) return;
    try {
      await this.reconcile();
    } catch (error) {
      this.#deps.options.logger.warn(
        { installationId: this.installation.id, error: describeError(error) },
        'reconcile after connect failed',
      );
    }
  }

  /** A server Tower has not seen (new, or restarted with a new id) triggers a ping at once. */
  #watchServers(nc: NatsConnection): void {
    if (this.#watched.has(nc)) return;
    this.#watched.add(nc);
    nc.subscribe(SystemSubject.statsz, {
      callback: (error, msg) => {
        const id = msg?.subject.split('.')[2];
        if (!error && id && !this.#servers.some((server) => server.id === id)) {
          this.#inBackground(this.refresh());
        }
      },
    });
  }

  async #refresh(): Promise<void> {
    const nc = this.#link.connection;
    if (!nc) return;
    const { id } = this.installation;
    let servers: ServerInfo[] = [];
    let error: string | null = 'no server answered SERVER.PING';
    try {
      servers = await pingServers(nc, this.#deps.options.timings);
    } catch (failure) {
      error = describeError(failure);
    }
    if (this.#closed) return;
    this.#deps.status.serversChecked(id, servers, error);
    if (servers.length === 0) return;

    this.#servers = servers;
    const names = servers.map((server) => server.name);
    const requeued = this.#deps.store.requeueUnacknowledged(id, names, new Date().toISOString());
    if (requeued > 0) {
      this.#deps.options.logger.info(
        { installationId: id, servers: names, requeued },
        'republishing to servers that lack accounts',
      );
      this.#drainer.wake();
    }
  }
}
