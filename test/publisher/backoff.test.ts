import { describe, expect, it } from 'vitest';

import { backoffDelay } from '../../src/publisher/backoff.ts';

describe('the retry backoff', () => {
  const options = { baseMs: 500, capMs: 30_000 };

  it('doubles from the base, with up to half of each wait random', () => {
    expect(backoffDelay(1, options, () => 0)).toBe(250);
    expect(backoffDelay(1, options, () => 1)).toBe(500);
    expect(backoffDelay(3, options, () => 0)).toBe(1_000);
    expect(backoffDelay(3, options, () => 1)).toBe(2_000);
  });

  it('never waits longer than the cap, however many attempts failed', () => {
    expect(backoffDelay(10, options, () => 1)).toBe(30_000);
    expect(backoffDelay(1_000, options, () => 1)).toBe(30_000);
    expect(backoffDelay(1_000, options, () => 0)).toBe(15_000);
  });
});
