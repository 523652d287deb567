import { z } from 'zod';
import { TowerError } from '../errors/index.ts';
import type { Actor } from './define-command.ts';

/** Names of entities: what a person types and reads in a list. */
export const nameSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(100, { error: 'must be at most 100 characters' })
  .refine((value) => !/[\u0000-\u001f\u007f]/u.test(value), {
    error: 'must not contain control characters',
  });

const descriptionText = z
  .string({ error: 'must be a string' })
  .max(2000, { error: 'must be at most 2000 characters' })
  .refine((value) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/u.test(value), {
    error: 'must not contain control characters',
  });

/** A description on create: left out, it is empty. */
export const descriptionSchema = descriptionText.default('');

/**
 * A description on update: left out, it stays as it is. (Zod 4 applies a default even inside
 * `.optional()`, so `descriptionSchema.optional()` would blank it on every update.)
 */
export const descriptionUpdateSchema = descriptionText.optional();

export const idSchema = z
  .string({ error: 'must be a string' })
  .min(1, { error: 'must not be empty' })
  .max(64, { error: 'must be at most 64 characters' })
  .regex(/^[A-Za-z0-9_-]+$/u, { error: 'must be an id (letters, digits, - and _)' });

export const idListSchema = z
  .array(idSchema)
  .max(500, { error: 'must name at most 500 entries' })
  .transform((ids) => [...new Set(ids)]);

/** A client's claim about the version it read; a stale one is a version conflict. */
export const expectedVersionSchema = z.number().int().min(0).optional();

export const passwordSchema = z
  .string({ error: 'must be a string' })
  .min(12, { error: 'must be at least 12 characters' })
  .max(512, { error: 'must be at most 512 characters' });

export const emailSchema = z
  .string({ error: 'must be a string' })
  .trim()
  .toLowerCase()
  .max(254, { error: 'must be at most 254 characters' })
  .regex(/^[^\s@]+@[^\s@]+$/u, { error: 'must be an email address' });

export function isAdmin(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'system';
}

/** Refuses unless the actor is an admin (or Tower itself). */
export function requireAdmin(actor: Actor, what: string): void {
  if (!isAdmin(actor)) throw new TowerError('forbidden', `Only admins may ${what}.`);
}

/** "Not found" for things that do not exist and, alike, for things the actor may not see. */
export function notFound(kind: string, id: string, field?: string): TowerError {
  return new TowerError('not_found', `No ${kind} with id "${id}".`, {
    field,
    context: { id },
  });
}

export function present<T>(value: T | undefined, kind: string, id: string, field?: string): T {
  if (value === undefined) throw notFound(kind, id, field);
  return value;
}

/**
 * Refuses a name another entity of the same scope already has; the entity itself (on rename)
 * may keep its own name.
 *
 * @example assertNameFree(state.sameName, 'An account', command.name, account.id, 'in this installation')
 */
export function assertNameFree(
  existing: { id: string } | undefined,
  kind: string,
  name: string,
  selfId?: string,
  scope?: string,
): void {
  if (existing && existing.id !== selfId) {
    const where = scope ? ` ${scope}` : '';
    throw new TowerError('name_taken', `${kind} named "${name}" already exists${where}.`, {
      field: 'name',
    });
  }
}

/** The first of the given team ids that names no team, if any. */
export function missingTeam(reader: { team(id: string): unknown }, teams: readonly string[]) {
  return teams.find((id) => !reader.team(id));
}
