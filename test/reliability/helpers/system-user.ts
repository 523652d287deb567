import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
import { KeyRing } from '../../../src/signer/key-ring.ts';
import { SignedJwts } from '../../../src/signer/signed-jwts.ts';
import { Keystore } from '../../../src/store/keystore.ts';
import { loadMasterKey } from '../../../src/store/master-key.ts';
import { SystemSubject } from '../../../src/publisher/system-requests.ts';

/**
 * The creds of Tower's system user of an installation, read from the data folder of a running
 * Tower (read-only, with its key file), so a test can ask the servers what they hold.
 */
export function systemUserCreds(dataDir: string, installationId: string): string {
  const db = new BetterSqlite3(join(dataDir, 'tower.db'), { readonly: true });
  try {
    const keystore = new Keystore(db, loadMasterKey(dataDir, undefined, false));
    const creds = new SignedJwts(db, new KeyRing(keystore)).systemUserCreds(installationId);
    if (!creds) throw new Error(`no system user for installation ${installationId}`);
    return creds;
  } finally {
    db.close();
  }
}

export function connectAsSystemUser(url: string, creds: string): Promise<NatsConnection> {
  return connect({
    servers: url,
    authenticator: credsAuthenticator(new TextEncoder().encode(creds)),
    timeout: 3_000,
  });
}

/** The account JWT a server answers `CLAIMS.LOOKUP` with; undefined when none answers. */
export async function lookupAccountJwt(
  nc: NatsConnection,
  accountPublicKey: string,
): Promise<string | undefined> {
  try {
    const reply = await nc.request(SystemSubject.claimsLookup(accountPublicKey), '', {
      timeout: 1_000,
    });
    return reply.string();
  } catch {
    return undefined;
  }
}
