import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { TowerError } from '../errors/index.ts';

/** The largest request body Tower reads; larger ones are refused before they are parsed. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** The most fields a form may have; a form with more is refused before it is parsed. */
export const MAX_FORM_FIELDS = 200;

/**
 * Parses a URL-encoded form into an object; a field named twice becomes a list. Counts the
 * fields first, so that a body of many tiny fields costs nothing before it is refused.
 */
export function parseForm(body: string): Record<string, string | string[]> {
  const pairs = body === '' ? [] : body.split('&');
  if (pairs.length > MAX_FORM_FIELDS) {
    throw new TowerError('payload_too_large', `A form may have at most ${MAX_FORM_FIELDS} fields.`);
  }
  const form: Record<string, string | string[]> = Object.create(null);
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = decode(at === -1 ? pair : pair.slice(0, at));
    const value = at === -1 ? '' : decode(pair.slice(at + 1));
    const earlier = form[name];
    form[name] = earlier === undefined ? value : [...[earlier].flat(), value];
  }
  return form;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/gu, ' '));
  } catch {
    throw new TowerError('invalid_input', 'The form is not URL-encoded correctly.', {
      field: 'body',
    });
  }
}

/** JSON (Fastify's own parser) and URL-encoded forms; other body types get 415. */
export async function registerBodyParsing(app: FastifyInstance): Promise<void> {
  app.removeContentTypeParser('text/plain');
  await app.register(formbody, { parser: parseForm, bodyLimit: BODY_LIMIT_BYTES });
}
