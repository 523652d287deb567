import { createUser, fromSeed } from '@nats-io/nkeys';
import type { Keystore } from '../store/keystore.ts';

/** The keystore entry that holds the seed of Tower's user on its internal server. */
export const INTERNAL_BUS_SEED_ENTRY = 'internal-nats:user-seed';

/** Tower's identity on its internal server. The seed is a secret: never log it. */
export interface InternalBusUser {
  publicKey: string;
  seed: Uint8Array;
}

/**
 * The nkey user Tower connects to its internal server as, created on first use. The server's
 * config names only the public key; the seed lives in the keystore, sealed with the master key.
 */
export function internalBusUser(keystore: Keystore): InternalBusUser {
  const existing = existingInternalBusUser(keystore);
  if (existing) return existing;

  const pair = createUser();
  const seed = pair.getSeed();
  keystore.put(INTERNAL_BUS_SEED_ENTRY, new TextDecoder().decode(seed));
  return { publicKey: pair.getPublicKey(), seed };
}

/** The user if the keystore has one: commands that only connect never create it. */
export function existingInternalBusUser(keystore: Keystore): InternalBusUser | undefined {
  const stored = keystore.get(INTERNAL_BUS_SEED_ENTRY);
  if (!stored) return undefined;
  const seed = new TextEncoder().encode(stored);
  return { publicKey: fromSeed(seed).getPublicKey(), seed };
}
