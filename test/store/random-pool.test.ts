import { describe, expect, it } from 'vitest';
import { randomPublicBytes } from '../../src/store/random-pool.ts';

describe('randomPublicBytes', () => {
  it('hands out each byte once, across refills of its buffer', () => {
    const nonces = Array.from({ length: 2_000 }, () => randomPublicBytes(12).toString('hex'));
    expect(new Set(nonces).size).toBe(nonces.length);
  });

  it('returns copies of the asked size, larger than its buffer too', () => {
    const a = randomPublicBytes(16);
    const b = randomPublicBytes(16);
    a.fill(0);
    expect(b.equals(Buffer.alloc(16))).toBe(false);
    expect(randomPublicBytes(10_000)).toHaveLength(10_000);
  });
});
