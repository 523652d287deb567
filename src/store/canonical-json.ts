/**
 * JSON with object keys sorted at every depth and no whitespace, so that equal values always
 * serialize to equal text. Undefined properties are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/**
 * The canonical text with the sorted copy it was written from: the copy equals what
 * `JSON.parse` of the text gives back for JSON data, without parsing it.
 */
export function canonicalForm(value: unknown): { value: unknown; text: string } {
  const sorted = sortKeys(value);
  return { value: sorted, text: JSON.stringify(sorted) };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== undefined) sorted[key] = sortKeys(inner);
  }
  return sorted;
}
