import type { z } from 'zod';
import { TowerError } from '../errors/index.ts';

/**
 * Validates input against a schema. The first problem becomes an `invalid_input` error that
 * names the field as a dotted path and the rule it breaks.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  // Zod leaves the offending value out of its issues unless asked; without it a value of the
  // wrong type could not be told from a missing one.
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;

  const issue = result.error.issues[0]!;
  let field = issue.path.map(String).join('.');
  let rule = issue.message;
  if (issue.code === 'unrecognized_keys') {
    // An empty key is named as `""`, so that even it can be pointed at.
    const key = issue.keys[0] || '""';
    field = field ? `${field}.${key}` : key;
    rule = 'is not a known field';
  } else if (issue.code === 'invalid_type' && issue.input === undefined) {
    rule = 'is required';
  } else if (issue.code === 'invalid_type' && /^Invalid input/u.test(rule)) {
    rule = `must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
  }
  const label = field || 'input';
  throw new TowerError('invalid_input', `${label} ${rule}`, {
    field: field || undefined,
    context: { rule },
  });
}
