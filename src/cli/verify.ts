import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openExistingDatabase } from './data-folder.ts';
import { mirrorCheck, runChecks } from './verify-checks.ts';

/** `tower verify`: checks the hash chain, the append-only triggers, the ledger and keystore. */
export function verifyCommand(): Command {
  return new Command('verify')
    .description(
      'Check the event log (hash chain, sequence, append-only triggers), that the commands ' +
        'ledger does not reach past the log (a cut-off tail) and every keystore entry. Exits 1 ' +
        'naming the first bad sequence number.',
    )
    .option(
      '--mirror',
      'also check the TOWER_EVENTS stream over NATS against the log: every event once, in ' +
        'order, with its hashes and payload',
    )
    .action(runVerify);
}

async function runVerify(options: { mirror?: boolean }): Promise<void> {
  const config = loadConfig();
  const db = openExistingDatabase(config);
  try {
    const checks = runChecks(db, config);
    if (options.mirror) checks.push(await mirrorCheck(db, config));
    const width = Math.max(...checks.map((check) => check.name.length));
    for (const check of checks) {
      const status = check.failure ? 'FAIL' : 'ok  ';
      process.stdout.write(`${status}  ${check.name.padEnd(width)}  ${check.detail}\n`);
    }

    const failure = checks.find((check) => check.failure)?.failure;
    if (failure) throw failure;
    process.stdout.write('The data folder verifies.\n');
  } finally {
    db.close();
  }
}
