import { secretEntry } from '../domain/secret-entries.ts';
import type { Keystore } from '../store/keystore.ts';
import { Nkey, type NkeyKind } from './nkey.ts';

/**
 * Signing keys loaded from the keystore once and kept: importing a seed into node:crypto costs
 * a few hundred microseconds, signing with a loaded key a few dozen.
 */
export class KeyRing {
  readonly #keystore: Keystore;
  readonly #keys = new Map<string, Nkey>();

  constructor(keystore: Keystore) {
    this.#keystore = keystore;
  }

  /** Creates a key pair and keeps it loaded; the caller stores the seed in the keystore. */
  create(kind: NkeyKind): Nkey {
    const key = Nkey.create(kind);
    this.#keys.set(key.publicKey, key);
    return key;
  }

  /** The key pair of a public key Tower created; throws when the keystore lacks its seed. */
  get(publicKey: string): Nkey {
    let key = this.#keys.get(publicKey);
    if (!key) {
      const seed = this.#keystore.get(secretEntry.seed(publicKey));
      if (!seed) throw new Error(`The keystore holds no seed for ${publicKey}`);
      key = Nkey.fromSeed(seed);
      this.#keys.set(publicKey, key);
    }
    return key;
  }

  /** The encoded seed of a public key, for creds files. A secret. */
  seed(publicKey: string): string | undefined {
    return this.#keystore.get(secretEntry.seed(publicKey));
  }
}
