import { describe, expect, it } from 'vitest';
import { newCommandId, newId } from '../../src/app/ids.ts';
import { idSchema } from '../../src/commands/rules.ts';

describe('newId', () => {
  it('makes 16-character ids that the id rule accepts', () => {
    const id = newId();
    expect(id).toMatch(/^[2-7a-z]{16}$/u);
    expect(idSchema.safeParse(id).success).toBe(true);
  });

  it('sorts ids as text in the order they were made, across milliseconds', () => {
    const ids = [newId(1_700_000_000_000), newId(1_700_000_000_001), newId(1_700_000_086_400)];
    expect([...ids].sort()).toEqual(ids);
  });

  it('never repeats within one millisecond, and still sorts in order', () => {
    const at = 1_800_000_000_000;
    const ids = Array.from({ length: 10_000 }, () => newId(at));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('keeps counting up when the clock goes back', () => {
    const first = newId(1_900_000_000_000);
    const after = newId(1_899_999_999_000);
    expect(after > first).toBe(true);
  });
});

describe('newCommandId', () => {
  it('is a version 7 UUID whose text grows with time', () => {
    const early = newCommandId(1_700_000_000_000);
    const late = newCommandId(1_700_000_000_100);
    expect(early).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u);
    expect(early.slice(0, 13) < late.slice(0, 13)).toBe(true);
    expect(early.replaceAll('-', '').slice(0, 12)).toBe(
      (1_700_000_000_000).toString(16).padStart(12, '0'),
    );
  });
});
