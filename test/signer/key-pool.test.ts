import { createPrivateKey, createPublicKey } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { KeyPool } from '../../src/signer/key-pool.ts';
import { Nkey } from '../../src/signer/nkey.ts';
import { eventually } from '../helpers/eventually.ts';

const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The raw public half that node:crypto derives from a raw seed. */
function publicOf(seed: Buffer): Buffer {
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(12);
}

describe('KeyPool', () => {
  let pool: KeyPool | undefined;
  afterEach(() => pool?.close());

  it('has nothing before its worker answers, then hands out matching, distinct pairs', async () => {
    pool = new KeyPool(16);
    expect(pool.take()).toBeUndefined();

    const first = await eventually(() => pool!.take(), 'the first batch of keys');
    const pairs = [first, ...Array.from({ length: 7 }, () => pool!.take()!)];
    for (const pair of pairs) {
      expect(pair.seed).toHaveLength(32);
      expect(publicOf(pair.seed).equals(pair.publicKey)).toBe(true);
    }
    expect(new Set(pairs.map((p) => p.seed.toString('hex'))).size).toBe(pairs.length);
  });

  it('refills before it runs dry, so a steady caller keeps getting pooled keys', async () => {
    pool = new KeyPool(64);
    pool.take();
    await eventually(() => pool!.take(), 'the first batch of keys');
    let pooled = 0;
    for (let i = 0; i < 150; i++) {
      if (pool.take()) pooled++;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(pooled).toBe(150);
  });

  it('gives keys that sign and verify as nkeys', async () => {
    pool = new KeyPool(4);
    pool.take();
    const raw = await eventually(() => pool!.take(), 'a pooled key');
    const key = Nkey.fromRaw('user', raw);
    expect(Nkey.fromSeed(key.seed()).publicKey).toBe(key.publicKey);
  });

  it('hands out nothing once closed', async () => {
    pool = new KeyPool(4);
    pool.take();
    await eventually(() => pool!.take(), 'a pooled key');
    pool.close();
    expect(pool.take()).toBeUndefined();
  });
});
