import { generateKeyPair } from 'node:crypto';
import { rawFromDer, type RawKeyPair } from './nkey.ts';

/**
 * Key pairs made ahead of need on libuv's thread pool, so that generating them (about 140 µs
 * each) runs on another core instead of inside a command's transaction. When the pool is
 * empty, the caller generates one in place.
 */
export class KeyPool {
  readonly #ready: RawKeyPair[] = [];
  readonly #size: number;
  #inFlight = 0;
  #closed = false;

  constructor(size = 64) {
    this.#size = size;
    this.#refill();
  }

  /** A pooled key pair, or undefined when none is ready. */
  take(): RawKeyPair | undefined {
    const pair = this.#ready.pop();
    this.#refill();
    return pair;
  }

  /** Stops making keys; those ready are dropped. */
  close(): void {
    this.#closed = true;
    this.#ready.length = 0;
  }

  #refill(): void {
    while (!this.#closed && this.#ready.length + this.#inFlight < this.#size) {
      this.#inFlight++;
      const encodings = {
        privateKeyEncoding: { format: 'der', type: 'pkcs8' },
        publicKeyEncoding: { format: 'der', type: 'spki' },
      } as const;
      generateKeyPair('ed25519', encodings, (error, publicKey: Buffer, privateKey: Buffer) => {
        this.#inFlight--;
        if (error || this.#closed) return;
        this.#ready.push(rawFromDer(privateKey, publicKey));
      });
    }
  }
}
