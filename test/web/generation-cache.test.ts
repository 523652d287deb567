import { describe, expect, it } from 'vitest';
import { GenerationCache } from '../../src/web/generation-cache.ts';

describe('GenerationCache', () => {
  it('serves a value only in the generation it was kept in', () => {
    const cache = new GenerationCache<string>(10);

    cache.get('g1', 'a');
    cache.set('g1', 'a', 'first');

    expect(cache.get('g1', 'a')).toBe('first');
    expect(cache.get('g2', 'a')).toBeUndefined();
    expect(cache.get('g1', 'a')).toBeUndefined();
  });

  it('drops a value computed in a generation older than the newest one read', () => {
    const cache = new GenerationCache<string>(10);
    cache.get('g1', 'a');
    cache.get('g2', 'b');

    cache.set('g1', 'a', 'stale');

    expect(cache.get('g2', 'a')).toBeUndefined();
  });

  it('lets the least recently used values go once the budget is spent', () => {
    const cache = new GenerationCache<string>(24, (value) => value.length);
    cache.get('g', 'a');
    cache.set('g', 'a', 'aaa');
    cache.set('g', 'b', 'bbb');
    cache.get('g', 'a');

    for (const key of ['c', 'd', 'e', 'f', 'g', 'h', 'i']) cache.set('g', key, key.repeat(3));

    expect(cache.stats()).toMatchObject({ entries: 8, used: 24 });
    expect(cache.get('g', 'b')).toBeUndefined();
    expect(cache.get('g', 'a')).toBe('aaa');
    expect(cache.get('g', 'c')).toBe('ccc');
  });

  it('keeps nothing bigger than an eighth of the budget, and nothing at all with no budget', () => {
    const cache = new GenerationCache<string>(80, (value) => value.length);
    const off = new GenerationCache<string>(0);
    cache.get('g', 'big');
    off.get('g', 'a');

    cache.set('g', 'big', 'x'.repeat(11));
    off.set('g', 'a', 'a');

    expect(cache.get('g', 'big')).toBeUndefined();
    expect(off.get('g', 'a')).toBeUndefined();
    expect(off.enabled).toBe(false);
  });

  it('computes a value once a generation, and again after the next commit', () => {
    const cache = new GenerationCache<string | null>(10);
    let reads = 0;
    const read = () => {
      reads += 1;
      return reads === 1 ? null : 'found';
    };

    expect(cache.getOrCompute('g1', 'a', read)).toBeNull();
    expect(cache.getOrCompute('g1', 'a', read)).toBeNull();
    expect(reads).toBe(1);
    expect(cache.getOrCompute('g2', 'a', read)).toBe('found');
    expect(reads).toBe(2);
  });
});
