import type { FastifyRequest } from 'fastify';

/** A URL-encoded form as the body parser leaves it: a field named twice is a list. */
export type Form = Record<string, string | string[] | undefined>;

export function formOf(request: FastifyRequest): Form {
  const body = request.body;
  return body && typeof body === 'object' ? (body as Form) : {};
}

/** The field's text ('' when missing); the first value of a repeated field. */
export function text(form: Form, name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Every value of a field that may repeat (checkboxes of one name). */
export function values(form: Form, name: string): string[] {
  const value = form[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** One entry per non-blank line, as subject lists are typed: one subject a line. */
export function lines(form: Form, name: string): string[] {
  return text(form, name)
    .split(/\r?\n/u)
    .map((line) => line.trim())
    .filter(Boolean);
}

/**
 * A number field: the fallback when left blank, otherwise the number typed, or NaN so that the
 * command's schema names the field ("must be a number").
 */
export function numberField(form: Form, name: string, fallback: number): number {
  const raw = text(form, name).trim();
  if (raw === '') return fallback;
  return /^-?\d+$/u.test(raw) ? Number(raw) : Number.NaN;
}

/** A checkbox: ticked when the form carries it at all. */
export function checked(form: Form, name: string): boolean {
  return form[name] !== undefined;
}

/**
 * A `datetime-local` value read as UTC, in the ISO form commands take; null when blank. Text
 * that is not a date passes through for the command's schema to refuse beside the field.
 */
export function utcDateTime(form: Form, name: string): string | null {
  const raw = text(form, name).trim();
  if (raw === '') return null;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/u.test(raw)) return `${raw}:00Z`;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/u.test(raw)) return `${raw}Z`;
  return raw;
}

/** An ISO time as a `datetime-local` input shows it, in UTC. */
export function toDateTimeLocal(iso: string | null): string {
  return iso ? new Date(iso).toISOString().slice(0, 16) : '';
}
