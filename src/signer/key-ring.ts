import { secretEntry } from '../domain/secret-entries.ts';
import type { Keystore } from '../store/keystore.ts';
import type { KeyPool } from './key-pool.ts';
import { Nkey, type NkeyKind } from './nkey.ts';

/**
 * Signing keys loaded from the keystore once and kept: importing a seed into node:crypto costs
 * a few hundred microseconds, signing with a loaded key a few dozen.
 */
export class KeyRing {
  readonly #keystore: Keystore;
  readonly #keys = new Map<string, Nkey>();
  readonly #pool: KeyPool | undefined;

  constructor(keystore: Keystore, pool?: KeyPool) {
    this.#keystore = keystore;
    this.#pool = pool;
  }

  /**
   * Creates a key pair, from the pool when one is ready; the caller stores the seed in the
   * keystore. Keys that will sign (operator and account keys) stay loaded; user keys never
   * sign in Tower, so a hundred thousand of them cost no memory here.
   */
  create(kind: NkeyKind): Nkey {
    const raw = this.#pool?.take();
    const key = raw ? Nkey.fromRaw(kind, raw) : Nkey.create(kind);
    if (kind !== 'user') this.#keys.set(key.publicKey, key);
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
