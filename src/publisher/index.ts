export { startPublisher, type Publisher, type PublisherTower } from './publisher.ts';
export type { PublisherLogger, PublisherOptions, PublisherTimings } from './publisher-options.ts';
export type { BackoffOptions } from './backoff.ts';
export type { PublishedEvent } from './outbox-drainer.ts';
export type { ReconcileReport } from './reconcile.ts';
export {
  readInstallationStatus,
  readListStatuses,
  type AccountPublication,
  type InstallationListStatus,
  type InstallationStatus,
  type StatusScope,
} from './installation-status.ts';
export type { ServerInfo } from './system-requests.ts';
