import { Command, Option } from 'commander';
import { firstStart } from '../app/first-start.ts';
import { openTower } from '../app/open-tower.ts';
import { seed, type SeedProgress } from '../app/seed.ts';
import { loadConfig } from '../config.ts';
import { formatCount } from './progress-bar.ts';
import { parseWholeNumber } from './parse-number.ts';

interface SeedFlags {
  installations: number;
  accounts: number;
  natsUsers: number;
  teams: number;
  users: number;
  password: string;
}

/** `tower seed`: realistic data through the command pipeline, for benchmarks and demos. */
export function seedCommand(): Command {
  const count = (flag: string, description: string, fallback: number) =>
    new Option(flag, description).argParser(parseWholeNumber).default(fallback);
  return new Command('seed')
    .description(
      'Fill the data folder with generated teams, users, installations, accounts and NATS users.',
    )
    .addOption(count('--installations <n>', 'installations to create', 10))
    .addOption(count('--accounts <n>', 'accounts, spread over the installations', 1000))
    .addOption(count('--nats-users <n>', 'NATS users, spread over the accounts', 10000))
    .addOption(count('--teams <n>', 'teams', 20))
    .addOption(count('--users <n>', 'Tower users, each in one or two teams', 200))
    .option('--password <password>', 'the password of every seeded user', 'seed-password-123')
    .action(runSeed);
}

async function runSeed(flags: SeedFlags): Promise<void> {
  const config = loadConfig();
  const tower = openTower({
    dataDir: config.dataDir,
    secretKey: config.secretKey,
    synchronous: config.synchronous,
  });
  try {
    await firstStart(tower, config.firstStart);
    const report = await seed(tower, flags, {
      password: flags.password,
      onProgress: progressLine(),
    });
    process.stderr.write('\n');
    console.log(
      `seeded ${formatCount(report.commands)} commands (${formatCount(report.events)} events) in ` +
        `${report.seconds.toFixed(1)} s, ${formatCount(report.commands / report.seconds)} commands/s`,
    );
  } finally {
    tower.close();
  }
}

/** One line a phase, redrawn in place on a terminal, with the rate so far. */
function progressLine() {
  let lastPhase = '';
  return ({ phase, done, total, elapsedMs }: SeedProgress) => {
    if (!process.stderr.isTTY) {
      if (done === total) {
        process.stderr.write(
          `${phase}: ${formatCount(total)} by ${(elapsedMs / 1000).toFixed(1)} s\n`,
        );
      }
      return;
    }
    if (phase !== lastPhase && lastPhase) process.stderr.write('\n');
    lastPhase = phase;
    const share = total ? done / total : 1;
    const bar = '#'.repeat(Math.round(share * 30)).padEnd(30, '-');
    const seconds = (elapsedMs / 1000).toFixed(1);
    process.stderr.write(
      `\r${phase.padEnd(15)} [${bar}] ${formatCount(done)}/${formatCount(total)}  ${seconds} s`,
    );
  };
}
