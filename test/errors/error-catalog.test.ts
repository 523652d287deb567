import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalog } from '../../src/errors/index.ts';

describe('error catalog', () => {
  it('documents every code with its status in docs/errors.md, and nothing else', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const documented = new Map(
      [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gmu)].map((m) => [m[1], Number(m[2])]),
    );
    const catalog = new Map(Object.entries(errorCatalog).map(([code, e]) => [code, e.status]));
    expect(documented).toEqual(catalog);
  });
});
