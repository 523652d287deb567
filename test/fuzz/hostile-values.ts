import fc from 'fast-check';

/** Text that has broken parsers, validators and templates before. */
const NASTY_TEXT = [
  '',
  ' ',
  '   padded   ',
  'a.>.b',
  '*foo',
  'foo*',
  '..',
  'a..b',
  '.a',
  'a.',
  '>',
  '>.a',
  'a b',
  '$SYS.>',
  '_INBOX.>',
  'foo\tbar',
  'line\nbreak',
  'cr\r\nlf',
  'nul\u0000byte',
  '\u0007bell\u001b[31m',
  '\u202Eevil\u202C',
  'zero\u200Bwidth\uFEFF',
  'emoji 😀🔥👩‍👩‍👧',
  'e\u0301\u0301\u0301',
  '\uD800lone',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '-0',
  '1e309',
  '0x1F',
  '9007199254740993',
  '1.5',
  'true',
  'null',
  'undefined',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'prototype',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR 1=1 --",
  '../../../etc/passwd',
  '%00%2e%2e',
  '${7*7}{{7*7}}<%= 7*7 %>',
  'nats://user:secret@127.0.0.1:4222',
  'http://127.0.0.1:4222',
  'nats://',
  'a@b',
  '@',
  '2001-01-01T00:00:00Z',
  '9999-99-99T99:99',
  'x'.repeat(101),
  'x'.repeat(2001),
  'ü'.repeat(3000),
];

/** A string: a known troublemaker, random unicode, or random code units (controls, surrogates). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_TEXT) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 90, maxLength: 600 }) },
);

/** A number out of every range a field may have; NaN and Infinity become null in JSON. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(-2, -1, 0, 1.5, -0.5, 2 ** 53, 2 ** 64, -(2 ** 63), 1e308, Number.NaN),
  fc.integer(),
  fc.double(),
);

const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Keys that have polluted prototypes elsewhere. */
export const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/**
 * An object whose own keys are exactly the given ones, even `__proto__`, so that
 * `JSON.stringify` writes them all.
 */
export function ownObject(entries: readonly (readonly [string, unknown])[]): object {
  const target: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true });
  }
  return target;
}

/** Any JSON value a field may be handed: scalars, lists where scalars go, nested objects. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: scalar },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(hostileString, { minLength: 1, maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(fc.oneof(fc.constantFrom(...POLLUTING_KEYS), fc.string()), tie('value')), {
          maxLength: 3,
        })
        .map(ownObject),
    },
  ),
})).value;

/** A form field's value: text, or the same name repeated. */
export const hostileFormValue: fc.Arbitrary<string | string[]> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.array(hostileString, { minLength: 2, maxLength: 4 }) },
);

/** True for text a URL can carry (no lone surrogates, which `encodeURIComponent` refuses). */
function encodable(text: string): boolean {
  try {
    encodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/** An id for a path: random text, url-encoded by the caller. */
export const hostileId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '-1', '..', '%2e%2e', 'a'.repeat(65), '__proto__', 'constructor'),
  hostileString.filter((text) => text.length > 0 && encodable(text)),
);

/** Fast-check's settings for these suites: a fixed seed, printed with any failure. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261203);
export const fuzzParameters = (numRuns: number): fc.Parameters<unknown> => ({
  seed: FUZZ_SEED,
  numRuns,
  endOnFailure: true,
});
