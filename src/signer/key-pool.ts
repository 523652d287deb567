import { Worker } from 'node:worker_threads';
import type { RawKeyPair } from './nkey.ts';

/** Bytes of one pair in a batch: the 32-byte seed, then the 32-byte public key. */
const PAIR_BYTES = 64;

/**
 * The worker's whole program, plain CommonJS so that it runs without Tower's TypeScript loader:
 * it answers a count with that many raw Ed25519 pairs in one transferred buffer.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { generateKeyPairSync } = require('node:crypto');
const encodings = {
  privateKeyEncoding: { format: 'der', type: 'pkcs8' },
  publicKeyEncoding: { format: 'der', type: 'spki' },
};
parentPort.on('message', (count) => {
  const out = new Uint8Array(count * ${PAIR_BYTES});
  for (let i = 0; i < count; i++) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519', encodings);
    out.set(privateKey.subarray(privateKey.length - 32), i * ${PAIR_BYTES});
    out.set(publicKey.subarray(publicKey.length - 32), i * ${PAIR_BYTES} + 32);
  }
  parentPort.postMessage(out, [out.buffer]);
});
`;

/**
 * Key pairs made ahead of need on a worker thread, so that generating them (about 140 µs each)
 * runs on another core instead of inside a command's transaction. The worker starts with the
 * first request and sends keys in batches, asked for while a whole batch is still in hand:
 * handing one over costs the command thread well under a microsecond, where a thread-pool job
 * per key cost about twenty. When the pool is empty, the caller generates a key in place.
 *
 * The worker exports DER, not JWK: on Node 20 a JWK export can deadlock when garbage
 * collection destroys the key's generation job during the export.
 */
export class KeyPool {
  readonly #batch: number;
  #ready: Uint8Array = new Uint8Array(0);
  #next = 0;
  #worker: Worker | undefined;
  #requested = false;
  #closed = false;

  constructor(batch = 256) {
    this.#batch = batch;
  }

  /** A pooled key pair, or undefined when none is ready. */
  take(): RawKeyPair | undefined {
    const left = this.#ready.length / PAIR_BYTES - this.#next;
    if (left <= this.#batch) this.#request();
    if (left <= 0) return undefined;

    const at = this.#next++ * PAIR_BYTES;
    const pair = this.#ready.subarray(at, at + PAIR_BYTES);
    // Copies: a view would keep the whole batch's buffer, other seeds included, alive.
    return {
      seed: Buffer.from(pair.subarray(0, 32)),
      publicKey: Buffer.from(pair.subarray(32)),
    };
  }

  /** Stops making keys; those ready are wiped and dropped. */
  close(): void {
    this.#closed = true;
    this.#ready.fill(0);
    this.#ready = new Uint8Array(0);
    void this.#worker?.terminate();
  }

  #request(): void {
    if (this.#requested || this.#closed) return;
    this.#requested = true;
    this.#worker ??= this.#start();
    this.#worker.postMessage(this.#batch);
  }

  #start(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (batch: Uint8Array) => {
      this.#requested = false;
      if (this.#closed) {
        batch.fill(0);
        return;
      }
      const rest = this.#ready.subarray(this.#next * PAIR_BYTES);
      const merged = new Uint8Array(rest.length + batch.length);
      merged.set(rest);
      merged.set(batch, rest.length);
      this.#ready.fill(0);
      batch.fill(0);
      this.#ready = merged;
      this.#next = 0;
    });
    // A pool without its worker still works: every key is then made in place.
    worker.on('error', () => {
      this.#closed = true;
    });
    return worker;
  }
}
