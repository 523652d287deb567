import type { Database } from 'better-sqlite3';
import type { TowerConfig } from '../config.ts';
import { TowerError } from '../errors/index.ts';
import { commandLineEndpoint, connectForCommand } from '../mirror/command-line-bus.ts';
import { compareMirror } from '../mirror/verify-mirror.ts';
import { EventLog } from '../store/event-log.ts';
import { Keystore } from '../store/keystore.ts';
import { loadMasterKey } from '../store/master-key.ts';
import { verifyLog } from '../store/verify-log.ts';

/** One line of the `tower verify` report; a failed check carries the error to exit with. */
export interface Check {
  name: string;
  detail: string;
  failure?: TowerError;
}

const corrupt = (seq: number, problem: string) =>
  new TowerError('log_corrupt', `The event log fails verification at seq ${seq}: ${problem}.`, {
    context: { firstBadSeq: seq },
  });

/**
 * Every check of a data folder, in the order their failures matter: the chain first (it names
 * the first bad event), then a cut-off tail, the triggers, and last the keystore.
 */
export function runChecks(db: Database, config: TowerConfig): Check[] {
  return [...logChecks(db), keystoreCheck(db, config)];
}

function logChecks(db: Database): Check[] {
  const report = verifyLog(db);
  const lastSeq = (db.prepare('SELECT max(seq) FROM events').pluck().get() as number | null) ?? 0;
  const ledgerSeq =
    (db.prepare('SELECT max(last_seq) FROM commands').pluck().get() as number | null) ?? 0;

  const head = `head ${report.headSeq} ${report.headHash.slice(0, 16)}…`;
  const chain: Check =
    report.firstBadSeq === undefined
      ? { name: 'hash chain', detail: `${report.events} events, ${head}` }
      : {
          name: 'hash chain',
          detail: `broken at seq ${report.firstBadSeq}: ${report.problem}`,
          failure: corrupt(report.firstBadSeq, report.problem ?? 'the chain is broken'),
        };
  // Deleting the newest events leaves a valid chain; only the ledger remembers they existed.
  const ledger: Check =
    ledgerSeq <= lastSeq
      ? { name: 'commands ledger', detail: `reaches seq ${ledgerSeq}, within the log` }
      : {
          name: 'commands ledger',
          detail: `records events up to seq ${ledgerSeq}, but the log ends at ${lastSeq}`,
          failure: corrupt(lastSeq + 1, `the log was cut off (the ledger reaches ${ledgerSeq})`),
        };
  const triggers: Check = report.triggersPresent
    ? { name: 'append-only triggers', detail: 'present' }
    : {
        name: 'append-only triggers',
        detail: 'missing: the events table can be edited',
        failure: new TowerError(
          'log_corrupt',
          'The append-only triggers on the events table are missing.',
        ),
      };
  return [chain, ledger, triggers];
}

/** Opens every keystore entry; a key that does not fit is reported like any other failure. */
function keystoreCheck(db: Database, config: TowerConfig): Check {
  const name = 'keystore';
  const count = db.prepare('SELECT count(*) FROM secrets').pluck().get() as number;
  let tampered: string[];
  try {
    const keystore = new Keystore(db, loadMasterKey(config.dataDir, config.secretKey, false));
    keystore.checkMasterKey();
    tampered = keystore.audit();
  } catch (error) {
    if (!(error instanceof TowerError)) throw error;
    return { name, detail: `not checked: ${error.message}`, failure: error };
  }
  if (tampered.length === 0) return { name, detail: `${count} entries open and intact` };

  const list = tampered.join(', ');
  return {
    name,
    detail: `${tampered.length} of ${count} entries failed their integrity check: ${list}`,
    failure: new TowerError(
      'keystore_tampered',
      `${tampered.length} keystore entries failed their integrity check: ${list}.`,
      { context: { entries: tampered } },
    ),
  };
}

/**
 * Compares the TOWER_EVENTS stream with the log over NATS (TOWER_NATS_URL, or the running
 * internal server); the failure names the first event that differs.
 */
export async function mirrorCheck(db: Database, config: TowerConfig): Promise<Check> {
  const name = 'NATS mirror';
  let nc;
  try {
    nc = await connectForCommand(commandLineEndpoint(config, db));
  } catch (error) {
    if (!(error instanceof TowerError)) throw error;
    return { name, detail: `not checked: ${error.message}`, failure: error };
  }
  try {
    const { events, messages, difference } = await compareMirror(nc, new EventLog(db));
    if (!difference) return { name, detail: `${messages} messages match the ${events} events` };

    const where = difference.streamSeq ? ` (stream seq ${difference.streamSeq})` : '';
    const detail = `differs at seq ${difference.seq}${where}: ${difference.problem}`;
    return {
      name,
      detail,
      failure: new TowerError('mirror_diverged', `The stream ${detail}.`, {
        context: { firstBadSeq: difference.seq, streamSeq: difference.streamSeq },
      }),
    };
  } finally {
    await nc.close();
  }
}
