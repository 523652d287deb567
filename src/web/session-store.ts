import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Database, RunResult } from 'better-sqlite3';
import { writeGenerationOf, type WriteGeneration } from '../store/write-generation.ts';
import type { SessionInfo } from './request-auth.ts';

const SESSION_SQL = readFileSync(new URL('./session-store.sql', import.meta.url), 'utf8');

/** Last-seen times are written at most this often, so that reads do not all become writes. */
const TOUCH_INTERVAL_MS = 30_000;

export interface SessionTimeouts {
  idleMs: number;
  maxMs: number;
}

interface Row {
  id_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** The CSRF token of a session: derived from its id, so it needs no storage and no database leak reveals it. */
export function csrfTokenOf(sessionId: string): string {
  return createHmac('sha256', sessionId).update('tower csrf').digest('base64url');
}

/** Sessions remembered in memory at most; past it the memory starts over from the table. */
const MAX_REMEMBERED = 10_000;

/**
 * Server-side sessions in SQLite. A session id is 256 random bits, handed out once in the
 * cookie; the table keeps its SHA-256. A session ends when idle too long, when too old, or
 * when its user logs out, changes password or is disabled.
 *
 * Every request looks its session up, so live sessions are also remembered in memory by
 * cookie value: only this store writes the table, and every way a session ends goes through
 * it and forgets the session here as well, so the memory never keeps a session alive.
 */
export class SessionStore {
  readonly #timeouts: SessionTimeouts;
  readonly #sql: ReturnType<typeof statements>;
  readonly #generation: WriteGeneration;
  readonly #remembered = new Map<string, { row: Row; session: SessionInfo }>();

  constructor(db: Database, timeouts: SessionTimeouts) {
    db.exec(SESSION_SQL);
    this.#timeouts = timeouts;
    this.#sql = statements(db);
    this.#generation = writeGenerationOf(db);
  }

  /** Starts a session; returns the id for the cookie (shown nowhere else) and the session. */
  create(userId: string, now: number): { id: string; session: SessionInfo } {
    this.#wrote(this.#sql.purge.run(now, now - this.#timeouts.idleMs));
    const id = randomBytes(32).toString('base64url');
    const row: Row = {
      id_hash: sha256(id),
      user_id: userId,
      created_at: now,
      last_seen_at: now,
      expires_at: now + this.#timeouts.maxMs,
    };
    this.#wrote(this.#sql.insert.run(row.id_hash, userId, now, now, row.expires_at));
    return { id, session: toSession(row, id) };
  }

  /** The live session of a cookie value, or null; an expired session is removed on sight. */
  find(id: string, now: number): SessionInfo | null {
    const known = this.#remembered.get(id) ?? this.#load(id);
    if (!known) return null;
    const { row } = known;
    if (now >= row.expires_at || now - row.last_seen_at >= this.#timeouts.idleMs) {
      this.end(row.id_hash);
      return null;
    }
    if (now - row.last_seen_at >= TOUCH_INTERVAL_MS) {
      this.#wrote(this.#sql.touch.run(now, row.id_hash));
      row.last_seen_at = now;
      known.session = toSession(row, id);
    }
    return known.session;
  }

  end(idHash: string): void {
    this.#wrote(this.#sql.remove.run(idHash));
    this.#forget((row) => row.id_hash === idHash);
  }

  /** Ends every session of a user but the one named (after a password change, say). */
  endAllOf(userId: string, exceptIdHash = ''): void {
    this.#wrote(this.#sql.removeUser.run(userId, exceptIdHash));
    this.#forget((row) => row.user_id === userId && row.id_hash !== exceptIdHash);
  }

  /** No page shows sessions, so their writes leave kept pages alone (write-generation.ts). */
  #wrote(result: RunResult): void {
    this.#generation.wrote('sessions', result);
  }

  #load(id: string): { row: Row; session: SessionInfo } | undefined {
    const row = this.#sql.get.get(sha256(id)) as Row | undefined;
    if (!row) return undefined;
    if (this.#remembered.size >= MAX_REMEMBERED) this.#remembered.clear();
    const known = { row, session: toSession(row, id) };
    this.#remembered.set(id, known);
    return known;
  }

  #forget(matches: (row: Row) => boolean): void {
    for (const [id, known] of this.#remembered) {
      if (matches(known.row)) this.#remembered.delete(id);
    }
  }
}

function statements(db: Database) {
  return {
    insert: db.prepare(
      `INSERT INTO web_sessions (id_hash, user_id, created_at, last_seen_at, expires_at)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    get: db.prepare('SELECT * FROM web_sessions WHERE id_hash = ?'),
    touch: db.prepare('UPDATE web_sessions SET last_seen_at = ? WHERE id_hash = ?'),
    remove: db.prepare('DELETE FROM web_sessions WHERE id_hash = ?'),
    removeUser: db.prepare('DELETE FROM web_sessions WHERE user_id = ? AND id_hash <> ?'),
    purge: db.prepare('DELETE FROM web_sessions WHERE expires_at <= ? OR last_seen_at <= ?'),
  };
}

function toSession(row: Row, id: string): SessionInfo {
  return {
    idHash: row.id_hash,
    userId: row.user_id,
    csrfToken: csrfTokenOf(id),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}
