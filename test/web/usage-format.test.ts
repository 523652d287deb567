import { describe, expect, it } from 'vitest';
import { bytes, count, limitText, usage } from '../../src/web/pages/usage-format.ts';

describe('figures as the pages write them', () => {
  it('writes counts with thousands separators, sizes in binary units', () => {
    expect(count(0)).toBe('0');
    expect(count(1234567)).toBe('1,234,567');
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(bytes(200 * 1024 * 1024)).toBe('200 MiB');
  });

  it('writes a limit as unlimited, inherited, a yes or no, a size or a count', () => {
    expect(limitText(-1)).toBe('unlimited');
    expect(limitText(undefined)).toBe('from the profile');
    expect(limitText(true)).toBe('yes');
    expect(limitText(1048576, true)).toBe('1.0 MiB');
    expect(limitText(25000)).toBe('25,000');
  });

  it('measures use against a limit, high from 80 %', () => {
    expect(usage(8000, 10000)).toEqual({
      used: 8000,
      max: 10000,
      unlimited: false,
      high: true,
      text: '8,000 / 10,000',
    });
    expect(usage(3, -1)).toMatchObject({
      max: 3,
      unlimited: true,
      high: false,
      text: '3 (unlimited)',
    });
    expect(usage(0, 0).max).toBe(1);
  });
});
