import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { firstStart } from '../src/app/first-start.ts';
import { openTower } from '../src/app/open-tower.ts';
import { seed, type SeedSize } from '../src/app/seed.ts';
import { SYSTEM_ACTOR } from '../src/commands/index.ts';
import { freePorts } from '../test/helpers/nats-server.ts';
import { concurrentRate, round, tempDir, type Bench, type Figure } from './bench-kit.ts';

/** `tower serve` as `npm start` runs it: the JavaScript that `npm run build` writes. */
const BUILD_SCRIPT = fileURLToPath(new URL('../scripts/build.mjs', import.meta.url));
const TOWER_BIN = fileURLToPath(new URL('../dist/cli/run.js', import.meta.url));
const FULL: SeedSize = {
  installations: 10,
  accounts: 10_000,
  natsUsers: 100_000,
  teams: 200,
  users: 2_000,
};
const SCALES = (process.env.BENCH_PAGE_SCALES ?? '0.1,0.5,1').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_PAGE_SECONDS ?? 5);
const PASSWORD = 'seed-password-123';
/** The web workers of the third run: one per core of the 2-core machines the README reports. */
const WEB_WORKERS = Number(process.env.BENCH_WEB_WORKERS ?? 2);

/**
 * Pages and API lists under 32 concurrent connections against seeded data, as a signed-in
 * user in some teams, each against `/healthz` served by the same `tower serve` process in the
 * same run, with the response cache and without it; resident memory after the load and the
 * time to the first page, at each size. Tower runs as `npm start` runs it, built first.
 */
export const pagesBench: Bench = {
  name: 'pages',
  async run() {
    execFileSync(process.execPath, [BUILD_SCRIPT], { stdio: 'inherit' });
    const figures: Figure[] = [];
    for (const scale of SCALES) figures.push(...(await runAtScale(scale)));
    return figures;
  },
};

async function runAtScale(scale: number): Promise<Figure[]> {
  const size = Object.fromEntries(
    Object.entries(FULL).map(([key, value]) => [key, Math.max(1, Math.round(value * scale))]),
  ) as unknown as SeedSize;
  const label = `x${scale}`;
  const folder = tempDir('tower-bench-pages-');
  try {
    const bigAccount = await seedFolder(folder.dir, size);
    const commands = await commandsAtSize(folder.dir, label);
    const kept = await measureServe(folder.dir, bigAccount, label, { cache: true, workers: 1 });
    const rendered = await measureServe(folder.dir, bigAccount, label, {
      cache: false,
      workers: 1,
    });
    const spread = await measureServe(folder.dir, bigAccount, label, {
      cache: false,
      workers: WEB_WORKERS,
    });
    return [commands, ...kept, ...rendered, ...spread];
  } finally {
    folder.remove();
  }
}

/**
 * One `tower serve` under load: with the response cache (the default), every route, the
 * account page while another connection commits, memory and cold start; without it, every
 * route rendered on each request, which is what the first view after a commit costs; and
 * rendered again by TOWER_WEB_WORKERS processes, with the memory of them all.
 */
async function measureServe(
  dataDir: string,
  bigAccount: string,
  label: string,
  options: { cache: boolean; workers: number },
): Promise<Figure[]> {
  const server = await startServe(dataDir, options);
  try {
    const auth = await signIn(server.base);
    const accountPage = `/accounts/${bigAccount}`;
    const routes: [string, string, Record<string, string>][] = [
      ['installations page', '/installations', auth.cookie],
      ['account page with 1,000 NATS users', accountPage, auth.cookie],
      ['audit log page', '/audit', auth.cookie],
      ['API installations', '/api/v1/installations', auth.bearer],
      ['API NATS users of an account', `/api/v1/accounts/${bigAccount}/nats-users`, auth.bearer],
      ['API events', '/api/v1/events?limit=50', auth.bearer],
    ];
    const workers = options.workers > 1 ? `, ${options.workers} web workers` : '';
    const mode = options.cache ? label : `${label}, rendered: cache off${workers}`;
    await load(`${server.base}/healthz`, {}, 1); // warms the baseline up like every route
    const hello = await load(`${server.base}/healthz`, {});
    const figures: Figure[] = [];
    for (const [name, path, headers] of routes) {
      const result = await load(`${server.base}${path}`, headers);
      figures.push(pageFigure(`${name} (${mode})`, result, hello));
    }
    if (options.workers > 1) {
      figures.push(processTreeMemoryFigure(server.child.pid!, mode));
      return figures;
    }
    if (!options.cache) return figures;

    const written = await whileWriting(dataDir, () =>
      load(`${server.base}${accountPage}`, auth.cookie),
    );
    figures.push(
      pageFigure(
        `account page while another connection commits ${written.commits} commands/s (${mode})`,
        written.result,
        hello,
      ),
    );
    // What a signed-in request costs before any page work: the session check and a small
    // JSON answer, never kept. No page rendered afresh can be faster than this floor.
    const floor = await load(`${server.base}/api/v1/me`, auth.cookie);
    figures.push({
      ...pageFigure(`signed-in floor: /api/v1/me, session only (${mode})`, floor, hello),
      target: 'reported',
      met: true,
    });
    figures.push(
      memoryFigure(
        `resident memory of tower serve after the load (${mode})`,
        residentMegabytes(server.child.pid!),
      ),
      coldStartFigure(server.coldStartMs, mode),
    );
    return figures;
  } finally {
    await server.stop();
  }
}

const WRITES_PER_SECOND = 20;

/**
 * Runs `measure` while a second connection to the data folder, as the CLI beside `tower serve`
 * would be, commits a NATS user every 1/WRITES_PER_SECOND s: each commit empties the cache.
 */
async function whileWriting<T>(dataDir: string, measure: () => Promise<T>) {
  const tower = openTower({ dataDir, synchronous: 'NORMAL' });
  try {
    const installation = tower.reader.installationByName('installation-00')!;
    const { id: accountId } = await tower.bus.execute(
      'CreateAccount',
      { installationId: installation.id, name: `writes-${Date.now()}`, teams: [] },
      SYSTEM_ACTOR,
    );
    const writes: Promise<unknown>[] = [];
    const started = performance.now();
    const timer = setInterval(() => {
      const input = { accountId, name: `written-${writes.length}` };
      writes.push(tower.bus.execute('CreateNatsUser', input, SYSTEM_ACTOR));
    }, 1000 / WRITES_PER_SECOND);
    const result = await measure();
    clearInterval(timer);
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(writes);
    return { result, commits: Math.round(writes.length / seconds) };
  } finally {
    tower.close();
  }
}

/** A memory figure against the issue's target of 250 MB. */
function memoryFigure(name: string, megabytes: number): Figure {
  return {
    bench: 'pages',
    name,
    value: round(megabytes, 0),
    unit: 'MB',
    baselineName: 'target',
    baseline: 250,
    ratio: round(250 / megabytes),
    target: '<= 250 MB',
    met: megabytes <= 250,
  };
}

function coldStartFigure(ms: number, label: string): Figure {
  return {
    bench: 'pages',
    name: `cold start to the first served page (${label})`,
    value: ms,
    unit: 'ms',
    baselineName: 'none',
    baseline: 0,
    ratio: 0,
    target: 'reported',
    met: true,
  };
}

/** Seeds through the pipeline, plus one visible account with 1,000 NATS users. */
async function seedFolder(dataDir: string, size: SeedSize): Promise<string> {
  const tower = openTower({ dataDir, synchronous: 'NORMAL' });
  try {
    await firstStart(tower, {
      adminEmail: 'admin@bench.test',
      adminPassword: 'bench-admin-password',
      userEmail: 'user@bench.test',
      userPassword: 'bench-user-password',
    });
    const started = performance.now();
    await seed(tower, size, { password: PASSWORD });
    console.error(
      `  seeded ${JSON.stringify(size)} in ${round((performance.now() - started) / 1000, 1)} s`,
    );
    const installation = tower.reader.installationByName('installation-00')!;
    const account = await tower.bus.execute(
      'CreateAccount',
      { installationId: installation.id, name: 'big-account', teams: [] },
      SYSTEM_ACTOR,
    );
    for (let from = 0; from < 1000; from += 250) {
      await Promise.all(
        [...Array(250).keys()].map((k) =>
          tower.bus.execute(
            'CreateNatsUser',
            { accountId: account.id, name: `big-${from + k}` },
            SYSTEM_ACTOR,
          ),
        ),
      );
    }
    return account.id!;
  } finally {
    tower.close();
  }
}

const SIZE_COMMANDS = 2_000;

/**
 * The command figure at this size: NATS users created from 32 clients at once into the seeded
 * data with `synchronous=FULL`, against single-row inserts into the same database offered the
 * same way, so that growth shows in the write path as well as in the pages.
 */
async function commandsAtSize(dataDir: string, label: string): Promise<Figure> {
  const tower = openTower({ dataDir, synchronous: 'FULL' });
  try {
    // An account of its own, so that the measured account page keeps its 1,000 NATS users.
    const installation = tower.reader.installationByName('installation-00')!;
    const { id: accountId } = await tower.bus.execute(
      'CreateAccount',
      { installationId: installation.id, name: 'size-account', teams: [] },
      SYSTEM_ACTOR,
    );
    tower.db.exec('CREATE TABLE bench_raw (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
    const insert = tower.db.prepare('INSERT INTO bench_raw (data) VALUES (?)');
    const raw = await concurrentRate(SIZE_COMMANDS, 32, async () => insert.run('{"name":"svc"}'));
    const rate = await concurrentRate(SIZE_COMMANDS, 32, (i) =>
      tower.bus.execute('CreateNatsUser', { accountId, name: `size-${i}` }, SYSTEM_ACTOR),
    );
    tower.db.exec('DROP TABLE bench_raw');
    return {
      bench: 'pages',
      name: `CreateNatsUser commands/s from 32 clients into the seeded data (${label})`,
      value: round(rate, 0),
      unit: '/s',
      baselineName: 'raw single-row INSERT commits/s, 32 callers',
      baseline: round(raw, 0),
      ratio: round(rate / raw),
      target: 'reported',
      met: true,
    };
  } finally {
    tower.close();
  }
}

async function startServe(dataDir: string, options: { cache: boolean; workers: number }) {
  const [port] = await freePorts(1);
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, [TOWER_BIN, 'serve'], {
    env: {
      ...process.env,
      TOWER_DATA_DIR: dataDir,
      TOWER_PORT: String(port),
      TOWER_LOG_LEVEL: 'warn',
      // The mirror would copy the whole seeded log while the pages are measured.
      TOWER_NATS_SERVER_BIN: '/nonexistent',
      ...(options.cache ? {} : { TOWER_RESPONSE_CACHE_MB: '0' }),
      TOWER_WEB_WORKERS: String(options.workers),
    },
    stdio: 'ignore',
  });
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    const response = await fetch(`${base}/login`).catch(() => undefined);
    if (response?.ok) break;
    if (child.exitCode !== null) throw new Error('tower serve exited during start');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const coldStartMs = Math.round(performance.now() - started);
  const stop = async () => {
    child.kill('SIGTERM');
    if (child.exitCode === null) await new Promise((resolve) => child.once('close', resolve));
  };
  return { base, child, coldStartMs, stop };
}

/** A seeded Tower user in some teams: a session cookie for pages, a token for the API. */
async function signIn(base: string) {
  const email = 'user-00001@seed.tower';
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
  const csrf = (
    (await (await fetch(`${base}/api/v1/me`, { headers: { cookie } })).json()) as {
      csrfToken: string;
    }
  ).csrfToken;
  const token = await fetch(`${base}/api/v1/tokens`, {
    method: 'POST',
    headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ name: 'bench' }),
  });
  const created = (await token.json()) as { token: string };
  return { cookie: { cookie }, bearer: { authorization: `Bearer ${created.token}` } };
}

function load(
  url: string,
  headers: Record<string, string>,
  duration = SECONDS,
): Promise<autocannon.Result> {
  return autocannon({ url, connections: 32, duration, headers });
}

function pageFigure(name: string, result: autocannon.Result, hello: autocannon.Result): Figure {
  const errors = result.non2xx + result.errors;
  const ratio = result.requests.average / hello.requests.average;
  const p99 = result.latency.p99;
  return {
    bench: 'pages',
    name: `${name}: p99 ${p99} ms (hello ${hello.latency.p99} ms)${errors ? `, ${errors} errors` : ''}`,
    value: round(result.requests.average, 0),
    unit: 'req/s',
    baselineName: '/healthz in the same process',
    baseline: round(hello.requests.average, 0),
    ratio: round(ratio),
    target: 'p99 <= 25 ms, ratio >= 0.25',
    met: p99 <= 25 && ratio >= 0.25 && errors === 0,
  };
}

/**
 * The memory of `tower serve` and its web workers together: the sum of their proportional set
 * sizes, in which pages shared by several (the code of Node, the database file's cache) count
 * once in all, not once per process as resident sizes would.
 */
function processTreeMemoryFigure(pid: number, label: string): Figure {
  const pids = [pid, ...childPids(pid)];
  const megabytes = pids.reduce((sum, one) => sum + proportionalMegabytes(one), 0);
  return memoryFigure(
    `memory of tower serve and its ${pids.length - 1} web workers after the load, sum of PSS (${label})`,
    megabytes,
  );
}

function childPids(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
  return children.split(' ').filter(Boolean).map(Number);
}

function proportionalMegabytes(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+)/mu.exec(rollup)?.[1] ?? 0) / 1024;
}

function residentMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/u.exec(status)?.[1] ?? 0);
  return kb / 1024;
}
