import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secretEntry } from '../../src/domain/secret-entries.ts';
import { parseCreds } from '../../src/signer/creds-file.ts';
import { tempTower, type TempTower } from '../helpers/temp-tower.ts';

describe('NATS user keys', () => {
  let tower: TempTower;
  let natsUserId: string;

  beforeEach(async () => {
    tower = await tempTower();
    const installation = await tower.bus.execute(
      'CreateInstallation',
      { name: 'prod', urls: ['nats://127.0.0.1:4222'] },
      tower.admin,
    );
    const account = await tower.bus.execute(
      'CreateAccount',
      { installationId: installation.id, name: 'orders' },
      tower.admin,
    );
    const created = await tower.bus.execute(
      'CreateNatsUser',
      { accountId: account.id, name: 'svc' },
      tower.user,
    );
    natsUserId = created.id!;
  });
  afterEach(() => tower.destroy());

  const publicKey = () => tower.reader.natsUser(natsUserId)!.publicKey;
  const hasSeed = (key: string) => tower.keystore.has(secretEntry.seed(key));

  it('are created with the NATS user; its creds pair the current JWT with that seed', () => {
    const creds = parseCreds(tower.jwts.natsUserCreds(natsUserId)!);
    expect(hasSeed(publicKey())).toBe(true);
    expect(creds.jwt).toBe(tower.jwts.natsUserJwt(natsUserId));
    expect(creds.seed).toMatch(/^SU[A-Z2-7]{56}$/u);
  });

  it('rotate to a new key, revoke the old one and forget its seed', async () => {
    const old = publicKey();
    await tower.bus.execute('RotateNatsUserCredentials', { natsUserId }, tower.user);

    expect(publicKey()).not.toBe(old);
    expect(hasSeed(old)).toBe(false);
    expect(hasSeed(publicKey())).toBe(true);
    const revoked = tower.db
      .prepare('SELECT public_key FROM account_revocations')
      .pluck()
      .all() as string[];
    expect(revoked).toEqual([old]);
  });

  it('are revoked and their seed forgotten when the NATS user is deleted', async () => {
    const key = publicKey();
    await tower.bus.execute('DeleteNatsUser', { natsUserId }, tower.user);

    expect(hasSeed(key)).toBe(false);
    expect(tower.jwts.natsUserCreds(natsUserId)).toBeUndefined();
  });
});
