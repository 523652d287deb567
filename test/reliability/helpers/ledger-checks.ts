import BetterSqlite3 from 'better-sqlite3';
import type { SentCommand } from './command-traffic.ts';

interface CommandRow {
  command_id: string;
  result: string;
  first_seq: number | null;
  last_seq: number | null;
}

interface StoredResult {
  id: string | null;
  eventCount: number;
}

/**
 * What the log says about the acknowledged commands: every one is in the commands table with
 * exactly its events, no command has more events than it recorded, and no event belongs to a
 * command the table does not know. Returns the problems found, empty when there are none.
 */
export function ledgerProblems(dbFile: string, acknowledged: readonly SentCommand[]): string[] {
  const db = new BetterSqlite3(dbFile, { readonly: true });
  try {
    const commands = db
      .prepare('SELECT command_id, result, first_seq, last_seq FROM commands')
      .all() as CommandRow[];
    const eventsPerCommand = new Map<string, { count: number; min: number; max: number }>();
    const rows = db
      .prepare(
        `SELECT json_extract(metadata, '$.commandId') AS id, count(*) AS count,
           min(seq) AS min, max(seq) AS max FROM events GROUP BY id`,
      )
      .all() as { id: string; count: number; min: number; max: number }[];
    for (const row of rows) eventsPerCommand.set(row.id, row);

    const problems: string[] = [];
    const byKey = new Map<string, CommandRow>();
    for (const command of commands) {
      const stored = JSON.parse(command.result) as StoredResult;
      const events = eventsPerCommand.get(command.command_id);
      const count = events?.count ?? 0;
      if (count !== stored.eventCount) {
        problems.push(`${command.command_id}: ${count} events, recorded ${stored.eventCount}`);
      }
      if (events && (events.min !== command.first_seq || events.max !== command.last_seq)) {
        problems.push(`${command.command_id}: events at ${events.min}..${events.max}`);
      }
      eventsPerCommand.delete(command.command_id);
      // api:<user id>:<Idempotency-Key>:<part>
      const [source, , key, part] = command.command_id.split(':');
      if (source === 'api' && key && part === '1') byKey.set(key, command);
    }
    for (const id of eventsPerCommand.keys()) problems.push(`events of unrecorded command ${id}`);

    for (const sent of acknowledged) {
      const row = byKey.get(sent.key);
      if (!row) {
        problems.push(`acknowledged ${sent.kind} ${sent.key} is not in the commands table`);
        continue;
      }
      const stored = JSON.parse(row.result) as StoredResult;
      if (sent.answeredId !== undefined && stored.id !== sent.answeredId) {
        problems.push(`${sent.key} answered ${sent.answeredId}, the ledger says ${stored.id}`);
      }
      if (sent.kind !== 'setLimits' && stored.eventCount === 0) {
        problems.push(`acknowledged ${sent.kind} ${sent.key} appended no event`);
      }
    }
    return problems;
  } finally {
    db.close();
  }
}

/** The number of events in the log. */
export function eventCount(dbFile: string): number {
  const db = new BetterSqlite3(dbFile, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  } finally {
    db.close();
  }
}
