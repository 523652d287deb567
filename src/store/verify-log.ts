import type { Database } from 'better-sqlite3';
import type { StoredEventRow } from './event-log.ts';
import { GENESIS_HASH, hashEvent } from './event-hash.ts';
import { EventScopes } from './event-scope.ts';
import { limitSql } from './database.ts';

export interface VerifyReport {
  ok: boolean;
  events: number;
  headSeq: number;
  headHash: string;
  /** The first sequence number where the chain breaks, if it does. */
  firstBadSeq?: number;
  problem?: string;
  triggersPresent: boolean;
}

const BATCH = 20_000;
const REQUIRED_TRIGGERS = ['events_no_update', 'events_no_delete'];

/**
 * Walks the whole log: every row's hash must match its content, every prev_hash the row
 * before, sequence numbers must run without gaps from 1, and the scope tags must be the ones
 * the data gives. Also checks that the triggers that make the table append-only are in place.
 */
export function verifyLog(db: Database): VerifyReport {
  const triggers = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'`)
    .pluck()
    .all() as string[];
  const triggersPresent = REQUIRED_TRIGGERS.every((name) => triggers.includes(name));

  const page = db.prepare(`SELECT * FROM events WHERE seq > ? ORDER BY seq ${limitSql('?')}`);
  const scopes = new EventScopes(db);
  let previous = { seq: 0, hash: GENESIS_HASH };
  let count = 0;
  const fail = (seq: number, problem: string): VerifyReport => ({
    ok: false,
    events: count,
    headSeq: previous.seq,
    headHash: previous.hash,
    firstBadSeq: seq,
    problem,
    triggersPresent,
  });

  for (;;) {
    const rows = page.all(previous.seq, BATCH) as StoredEventRow[];
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.seq !== previous.seq + 1) {
        return fail(
          previous.seq + 1,
          `sequence ${previous.seq + 1} is missing (next is ${row.seq})`,
        );
      }
      if (row.prev_hash !== previous.hash) {
        return fail(row.seq, `prev_hash does not match the hash of event ${previous.seq}`);
      }
      if (hashEvent(row) !== row.hash) {
        return fail(row.seq, 'the stored hash does not match the event content');
      }
      if (!scopeMatches(scopes, row)) {
        return fail(row.seq, 'the scope tags (installation_id, account_id) do not match the data');
      }
      previous = { seq: row.seq, hash: row.hash };
      count++;
    }
  }

  const report: VerifyReport = {
    ok: triggersPresent,
    events: count,
    headSeq: previous.seq,
    headHash: previous.hash,
    triggersPresent,
  };
  if (!triggersPresent) report.problem = 'the append-only triggers on the events table are missing';
  return report;
}

function scopeMatches(scopes: EventScopes, row: StoredEventRow): boolean {
  const scoped = row.stream_type === 'account' || row.stream_type === 'nats-user';
  const expected = scopes.of(row.stream_type, row.stream_id, scoped ? JSON.parse(row.data) : {});
  return expected.installation_id === row.installation_id && expected.account_id === row.account_id;
}
