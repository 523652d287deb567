import type { Database } from 'better-sqlite3';
import { event, type TowerEvent } from '../src/events/index.ts';
import { UNLIMITED } from '../src/domain/limits.ts';
import type { EventLog } from '../src/store/event-log.ts';
import { Nkey } from '../src/signer/nkey.ts';
import { newId } from '../src/app/ids.ts';

const BATCH = 10_000;

/**
 * Appends a realistic log of `count` events through the real EventLog (hashing and validation
 * included): installations, limit profiles, teams and accounts, then mostly NATS users being
 * created, changed, rotated and deleted, the mix a busy Tower sees.
 */
export function writeSyntheticLog(db: Database, log: EventLog, count: number): void {
  const userKey = Nkey.create('user').publicKey;
  const accountKey = Nkey.create('account').publicKey;
  const operatorKey = Nkey.create('operator').publicKey;
  const metadata = {
    actorId: 'bench',
    commandId: 'bench',
    correlationId: 'bench',
    occurredAt: '2026-01-01T00:00:00.000Z',
  };
  const events = syntheticEvents(count, { userKey, accountKey, operatorKey });
  let batch: TowerEvent[] = [];
  const flush = () => {
    db.transaction(() => log.append(batch, metadata))();
    batch = [];
  };
  for (const next of events) {
    batch.push(next);
    if (batch.length === BATCH) flush();
  }
  if (batch.length > 0) flush();
}

function* syntheticEvents(
  count: number,
  keys: { userKey: string; accountKey: string; operatorKey: string },
): Generator<TowerEvent> {
  let emitted = 0;
  const accounts: string[] = [];
  for (let i = 0; i < 10; i++, emitted++) {
    yield event('InstallationCreated', {
      installationId: `inst-${i}`,
      name: `installation ${i}`,
      urls: [`nats://nats-${i}.example:4222`],
      description: '',
      teams: [],
      keys: {
        operatorPublicKey: keys.operatorKey,
        operatorSigningKey: keys.operatorKey,
        systemAccountPublicKey: keys.accountKey,
        systemAccountSigningKey: keys.accountKey,
        systemUserPublicKey: keys.userKey,
      },
    });
  }
  yield event('LimitProfileCreated', {
    profileId: 'standard',
    name: 'standard',
    description: '',
    limits: { ...UNLIMITED, connections: 1000 },
  });
  emitted++;
  for (let i = 0; i < 1000; i++, emitted++) {
    const accountId = newId();
    accounts.push(accountId);
    yield event('AccountCreated', {
      accountId,
      installationId: `inst-${i % 10}`,
      name: `account ${i}`,
      description: 'synthetic',
      teams: [],
      limitProfileId: 'standard',
      limits: { payload: 1_048_576 },
      publicKey: keys.accountKey,
      signingKey: keys.accountKey,
    });
  }
  let natsUserId = '';
  for (let n = 0; emitted < count; n++, emitted++) {
    if (n % 4 === 0) natsUserId = newId();
    const accountId = accounts[Math.floor(n / 4) % accounts.length]!;
    switch (n % 4) {
      case 0:
        yield event('NatsUserCreated', {
          natsUserId,
          accountId,
          name: `user-${n / 4}`,
          description: '',
          permissions: {
            pub: { allow: ['orders.>'], deny: [] },
            sub: { allow: ['_INBOX.>'], deny: [] },
            responses: null,
          },
          limits: { subscriptions: -1, data: -1, payload: -1 },
          bearer: false,
          expiresAt: null,
          publicKey: keys.userKey,
        });
        break;
      case 1:
        yield event('NatsUserUpdated', { natsUserId, accountId, description: `changed ${n}` });
        break;
      case 2:
        yield event('NatsUserCredentialsRotated', {
          natsUserId,
          accountId,
          previousPublicKey: keys.userKey,
          publicKey: keys.userKey,
        });
        break;
      default:
        if (n % 8 === 3)
          yield event('NatsUserDeleted', { natsUserId, accountId, publicKey: keys.userKey });
        else yield event('NatsUserUpdated', { natsUserId, accountId, bearer: true });
    }
  }
}
