/**
 * npm run bench [-- options]
 *
 * Prepares a benchmark database (temporary embedded PostgreSQL, or a
 * database created through the admin URL in BENCH_DATABASE_URL), seeds it,
 * compiles our API (npm run build) and starts it in production mode on Node 24
 * (the PostGraphile peer's) and on the machine's Node, the PostGraphile v5 peer
 * and the raw-SQL peer as separate processes on loopback ports, checks that
 * they return the same data, counts SQL statements per request, then loads
 * each scenario with autocannon at fixed concurrency, alternating the servers
 * (ours, ours on Node 20, PostGraphile, raw, ours, …), and prints/writes the results
 * (bench/results/<ISO time>.json and .md).
 *
 * Options:
 *   --patients N        patients in the data set (default 10000; 60 % in the benchmarked organization)
 *   --duration S        measured seconds per server per scenario, split over the rounds (default 6)
 *   --warmup S          warm-up seconds per server per scenario (default 2)
 *   --rounds N          alternations of the servers per scenario (default 2)
 *   --connections N     concurrent connections (default 16)
 *   --pool N            database pool size of every server (default 10)
 *   --servers LIST      ours,ours-node20,postgraphile,raw (default all). ours is our compiled API on the
 *                       PostGraphile peer's Node 24 (the ratios compare it); ours-node20 the same build
 *                       on the machine's Node, shown as an extra row.
 *   --scenarios LIST    scenario ids (default all): mobile-summary, patient-list, patient-search,
 *                       first-page, deep-page, patient-chart, appointment-day, invoice-list,
 *                       task-inbox, opd-queue, write-path, record-payment
 *
 * Defaults fit in 15 minutes on 2 cores (compile, seed 10,000 patients, 12 scenarios × 4 servers).
 *   --profile           run our API with --cpu-prof (profiles in bench/results/profiles/)
 *   --via pgbouncer     our API reaches PostgreSQL through PgBouncer in transaction mode (Debian's pgbouncer;
 *                       DATABASE_PREPARE=false, LISTEN and migrations direct); the peers stay direct
 *   --api-processes N   our API as N worker processes on one port (API_PROCESSES; CPU and RSS summed)
 *   --database-url URL  a superuser URL of an existing PostgreSQL (default BENCH_DATABASE_URL, else a temporary
 *                       embedded cluster): the bench seeds its own database health_bench_<patients> there and
 *                       reuses it on later runs at the same size (bench/lib/database.ts)
 *   --reseed            seed that database again even when it could be reused
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { startPgBouncer, type RunningPgBouncer } from '../test/setup/pgbouncer.js';
import { compare, hasErrors, sendAll, statementsPerRequest, withFirst, type Equivalence } from './lib/checks.js';
import { prepareDatabase, type BenchDatabase } from './lib/database.js';
import { runLoad, summarize, type LoadSample, type Summary } from './lib/load.js';
import { loadFixture, PAGED_SCENARIOS, requestsFor, resolveOurDeepCursor, resolvePostGraphileDeepCursor, SCENARIOS, type BuildContext, type Scenario } from './lib/scenarios.js';
import {
  buildOurs,
  ensurePostGraphileInstalled,
  loginToOurs,
  node24Path,
  ROOT,
  SERVER_LABEL,
  startOurs,
  startPostGraphile,
  startRaw,
  type RunningServer,
  type ServerEnv,
  type ServerKind,
} from './lib/servers.js';

interface Options {
  patients: number;
  duration: number;
  warmup: number;
  rounds: number;
  connections: number;
  pool: number;
  servers: ServerKind[];
  scenarios: string[];
  profile: boolean;
  via: 'direct' | 'pgbouncer';
  apiProcesses: number;
  databaseUrl: string | undefined;
  reseed: boolean;
}

/** Alternation order; ours-node20 is an extra row beside ours (Node 24, the one compared). */
const ALL_SERVERS: ServerKind[] = ['ours', 'ours-node20', 'postgraphile', 'raw'];

function parseOptions(argv: string[]): Options {
  const options: Options = {
    patients: 10_000,
    duration: 6,
    warmup: 2,
    rounds: 2,
    connections: 16,
    pool: 10,
    servers: ALL_SERVERS,
    scenarios: SCENARIOS.map((s) => s.id),
    profile: false,
    via: 'direct',
    apiProcesses: 1,
    databaseUrl: process.env.BENCH_DATABASE_URL || undefined,
    reseed: false,
  };
  const numbers = { apiProcesses: [1, 64], patients: [100, 5_000_000], duration: [1, 120], warmup: [0, 60], rounds: [1, 10], connections: [1, 256], pool: [1, 100] } as const;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unexpected argument "${arg}"`);
    const name = match[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (name === 'profile' || name === 'reseed') {
      options[name] = true;
      continue;
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (name in numbers) {
      const [min, max] = numbers[name as keyof typeof numbers];
      const n = Number(value);
      if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be a whole number between ${min} and ${max}`);
      (options as unknown as Record<string, number>)[name] = n;
    } else if (name === 'servers') {
      const list = value.split(',').map((s) => s.trim()) as ServerKind[];
      for (const s of list) if (!ALL_SERVERS.includes(s)) throw new Error(`unknown server "${s}"`);
      if (!list.includes('ours')) throw new Error('--servers must include ours');
      options.servers = ALL_SERVERS.filter((s) => list.includes(s));
    } else if (name === 'databaseUrl') {
      if (!/^postgres(ql)?:\/\//.test(value)) throw new Error('--database-url must be a postgres:// URL');
      options.databaseUrl = value;
    } else if (name === 'via') {
      if (value !== 'direct' && value !== 'pgbouncer') throw new Error('--via must be direct or pgbouncer');
      options.via = value;
    } else if (name === 'scenarios') {
      const list = value.split(',').map((s) => s.trim());
      for (const s of list) if (!SCENARIOS.some((x) => x.id === s)) throw new Error(`unknown scenario "${s}"`);
      options.scenarios = list;
    } else throw new Error(`unknown option --${name}`);
  }
  return options;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '–');


/** Mutation fields our schema declares (recordPayment arrives with billing). */
function ourMutations(): Set<string> {
  const dir = path.join(ROOT, 'schema');
  const names = new Set<string>();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.graphql'))) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const block of text.matchAll(/(?:extend\s+)?type\s+Mutation\s*\{([\s\S]*?)\n\}/g)) {
      for (const field of block[1]!.matchAll(/^\s{2}([a-zA-Z]+)\s*\(/gm)) names.add(field[1]!);
    }
  }
  return names;
}

function machine(db: BenchDatabase, node24: string | null) {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  return {
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    postgraphileNode: node24,
    postgres: db.serverVersion,
    database: db.embedded
      ? 'embedded (temporary cluster, fsync on)'
      : `${new URL(db.url).host}, database ${db.name}${db.reused ? ', reused' : ''}`,
  };
}

interface ScenarioResult {
  id: string;
  title: string;
  skipped: Partial<Record<ServerKind, string>>;
  summaries: Partial<Record<ServerKind, Summary>>;
  exactStatements: Partial<Record<ServerKind, number>>;
  equivalence?: Equivalence;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const t0 = performance.now();
  const loadAtStart = os.loadavg();
  const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
  const servers = new Map<ServerKind, RunningServer>();
  const failures: Partial<Record<ServerKind, string>> = {};
  let db: BenchDatabase | null = null;
  let bouncer: RunningPgBouncer | null = null;
  const stopAll = async () => {
    await Promise.all([...servers.values()].map((s) => s.stop().catch(() => {})));
    servers.clear();
    await bouncer?.stop();
    bouncer = null;
    await db?.stop();
    db = null;
  };
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void stopAll().finally(() => process.exit(143)));

  try {
    log(`bench: ${options.patients.toLocaleString('en-US')} patients, ${options.connections} connections, ${options.warmup} s warm-up + ${options.duration} s measured per server per scenario in ${options.rounds} rounds`);
    // Compile our API and fetch Node 24 / the PostGraphile peer while the database is seeded.
    const tooling = Promise.all([
      buildOurs().then(() => log(`bench: our API compiled to dist/ (${elapsed()})`)),
      node24Path().then(
        (binary) => binary,
        (error: unknown) => {
          failures.ours = `Node 24 unavailable, ours ran on ${process.version}: ${(error as Error).message.split('\n')[0]}`;
          return null;
        },
      ),
      options.servers.includes('postgraphile') ? ensurePostGraphileInstalled(log).then(() => null, (error: unknown) => error as Error) : null,
    ]);
    tooling.catch(() => {}); // awaited below; keeps a failure from being reported as unhandled meanwhile
    db = await prepareDatabase({ patients: options.patients, adminUrl: options.databaseUrl, reseed: options.reseed, log });
    log(`bench: database ready (${elapsed()}${db.seed.elapsedMs === null ? '' : `; seeding took ${(db.seed.elapsedMs / 1000).toFixed(1)} s`})`);
    const [, node24, installFailure] = await tooling;
    const fixture = await loadFixture(db.url);
    const env: ServerEnv = {
      databaseUrl: db.url,
      organizationId: fixture.organizationId,
      userId: fixture.physicianId,
      billingUserId: fixture.billingUserId,
      nurseId: fixture.nurseId,
      poolMax: options.pool,
      oursNodeFlags: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ROOT, 'bench/results/profiles')}`] : [],
      oursDatabaseEnv: {},
      oursProcesses: options.apiProcesses,
    };
    if (options.via === 'pgbouncer') {
      bouncer = await startPgBouncer(db.url);
      const through = new URL(bouncer.url);
      through.pathname = new URL(db.url).pathname;
      env.oursDatabaseEnv = { DATABASE_URL: through.toString(), LISTEN_DATABASE_URL: db.url, MIGRATION_DATABASE_URL: db.url, DATABASE_PREPARE: 'false' };
      log(`bench: ours through ${bouncer.version} in transaction mode (${elapsed()})`);
    }

    servers.set('ours', await startOurs(env, 'ours', node24 ?? process.execPath));
    if (options.servers.includes('ours-node20')) servers.set('ours-node20', await startOurs(env, 'ours-node20', process.execPath));
    if (options.servers.includes('raw')) servers.set('raw', await startRaw(env));
    if (options.servers.includes('postgraphile')) {
      try {
        if (installFailure) throw installFailure;
        if (!node24) throw new Error(failures.ours ?? 'Node 24 unavailable');
        const sql = postgres(db.url, { max: 1, onnotice: () => {} });
        try {
          await sql.unsafe(readFileSync(path.join(ROOT, 'bench/peers/postgraphile/setup.sql'), 'utf8'));
        } finally {
          await sql.end({ timeout: 5 });
        }
        servers.set('postgraphile', await startPostGraphile(env, node24));
      } catch (error) {
        failures.postgraphile = (error as Error).message.split('\n').slice(0, 6).join(' ');
        log(`bench: PostGraphile could not be started, continuing without it: ${failures.postgraphile}`);
      }
    }
    const order = ALL_SERVERS.filter((k) => servers.has(k));
    log(`bench: servers up: ${order.map((k) => `${SERVER_LABEL[k]} (pid ${servers.get(k)!.pid}, :${servers.get(k)!.port})`).join(', ')} (${elapsed()})`);

    const ours = servers.get('ours')!;
    const mutations = ourMutations();
    const postgraphileDeepCursor = servers.has('postgraphile') ? await resolvePostGraphileDeepCursor(servers.get('postgraphile')!.origin) : null;
    const ourDeepCursor = await resolveOurDeepCursor(ours.origin, await loginToOurs(ours, 'physician@northwind.example'));
    const context = async (scenario: Scenario): Promise<BuildContext> => ({
      fixture,
      token: await loginToOurs(ours, `${scenario.account}@northwind.example`),
      ourDeepCursor,
      postgraphileDeepCursor,
      mutations,
    });

    // 1. Same data, and exact statements per request.
    const scenarios = SCENARIOS.filter((s) => options.scenarios.includes(s.id));
    const results: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      const ctx = await context(scenario);
      const result: ScenarioResult = { id: scenario.id, title: scenario.title, skipped: {}, summaries: {}, exactStatements: {} };
      const replies: Partial<Record<ServerKind, string>> = {};
      for (const kind of order) {
        const requests = requestsFor(scenario, kind, ctx);
        if (typeof requests === 'string') {
          result.skipped[kind] = requests;
          continue;
        }
        const reply = await sendAll(servers.get(kind)!, requests);
        const problem = reply.map(hasErrors).find(Boolean);
        if (problem) {
          result.skipped[kind] = `error response: ${problem}`;
          continue;
        }
        replies[kind] = reply[0]!.body;
        result.exactStatements[kind] = await statementsPerRequest(servers.get(kind)!, requests);
      }
      if (!scenario.write && replies.ours) {
        result.equivalence = compare(
          { status: 200, body: replies.ours },
          replies.raw ? { status: 200, body: replies.raw } : null,
          replies.postgraphile ? { status: 200, body: replies.postgraphile } : null,
        );
      }
      const eq = result.equivalence ? ` — raw: ${result.equivalence.raw}, PostGraphile: ${result.equivalence.postgraphile} (${result.equivalence.rows} row ids)` : '';
      const counts = order.map((k) => `${SERVER_LABEL[k]} ${result.exactStatements[k] ?? '–'}`).join(', ');
      log(`check ${scenario.id}: statements/request ${counts}${eq}`);
      for (const [k, why] of Object.entries(result.skipped)) log(`  ${SERVER_LABEL[k as ServerKind]} skipped: ${why}`);
      results.push(result);
    }

    // 2. Statements per request across page sizes (must not grow with the page).
    const pageSizes = [1, 20, 200];
    const pageSizeStatements: Record<string, Partial<Record<ServerKind, number[]>>> = {};
    for (const id of PAGED_SCENARIOS.filter((x) => options.scenarios.includes(x))) {
      const scenario = SCENARIOS.find((s) => s.id === id)!;
      const ctx = await context(scenario);
      pageSizeStatements[id] = {};
      for (const kind of order) {
        const requests = requestsFor(scenario, kind, ctx);
        if (typeof requests === 'string') continue;
        const counts: number[] = [];
        for (const size of pageSizes) counts.push(await statementsPerRequest(servers.get(kind)!, withFirst(requests, size), 2));
        pageSizeStatements[id]![kind] = counts;
      }
      log(`statements by page size ${pageSizes.join('/')} for ${id}: ${order.map((k) => `${SERVER_LABEL[k]} ${pageSizeStatements[id]![k]?.join('/') ?? '–'}`).join(', ')}`);
    }

    // 3. Load, alternating the servers within each scenario.
    const roundSeconds = Math.max(1, Math.round(options.duration / options.rounds));
    for (const result of results) {
      const scenario = SCENARIOS.find((s) => s.id === result.id)!;
      const ctx = await context(scenario);
      const runnable = order.filter((k) => !result.skipped[k]);
      const samples = new Map<ServerKind, LoadSample[]>(runnable.map((k) => [k, []]));
      if (options.warmup > 0) {
        for (const kind of runnable) {
          await runLoad(servers.get(kind)!, requestsFor(scenario, kind, ctx) as never, { connections: options.connections, seconds: options.warmup, measure: false });
        }
      }
      for (let round = 0; round < options.rounds; round++) {
        for (const kind of runnable) {
          const sample = await runLoad(servers.get(kind)!, requestsFor(scenario, kind, ctx) as never, {
            connections: options.connections,
            seconds: roundSeconds,
            measure: true,
          });
          samples.get(kind)!.push(sample);
        }
      }
      for (const kind of runnable) result.summaries[kind] = summarize(samples.get(kind)!);
      log(
        `load ${result.id}: ` +
          runnable.map((k) => `${SERVER_LABEL[k]} ${fmt(result.summaries[k]!.rps)} req/s p50 ${fmt(result.summaries[k]!.p50, 1)} ms`).join(' | ') +
          ` (${elapsed()})`,
      );
    }

    const peakRss = Object.fromEntries(order.map((k) => [k, servers.get(k)!.peakRss() / (1024 * 1024)])) as Partial<Record<ServerKind, number>>;
    const report = {
      startedAt: startedAt.toISOString(),
      // A password in --database-url stays out of the results.
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`.replace(/(postgres(?:ql)?:\/\/[^:@/\s]+):[^@\s]+@/g, '$1:***@'),
      options,
      machine: machine(db, node24),
      dataSet: {
        patients: options.patients,
        organizationPatients: fixture.organizationPatients,
        rows: db.seed.rows,
        totalRows: db.seed.totalRows,
        reused: db.reused,
        seedSeconds: db.seed.elapsedMs === null ? null : Math.round(db.seed.elapsedMs / 100) / 10,
      },
      failures,
      peakRssMb: peakRss,
      pageSizes,
      pageSizeStatements,
      scenarios: results,
      elapsedSeconds: Math.round((performance.now() - t0) / 1000),
      loadAverage: { start: loadAtStart, end: os.loadavg() },
    };
    const markdown = renderMarkdown(report, order);
    log('');
    log(markdown);
    const stamp = startedAt.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
    const dir = path.join(ROOT, 'bench/results');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${stamp}.json`), JSON.stringify(report, null, 2) + '\n');
    await writeFile(path.join(dir, `${stamp}.md`), markdown + '\n');
    log(`bench: wrote bench/results/${stamp}.json and .md (${elapsed()})`);
  } finally {
    await stopAll();
  }
}

type Report = {
  startedAt: string;
  command: string;
  options: Options;
  machine: ReturnType<typeof machine>;
  dataSet: { patients: number; organizationPatients: number; reused: boolean; seedSeconds: number | null };
  failures: Partial<Record<ServerKind, string>>;
  peakRssMb: Partial<Record<ServerKind, number>>;
  pageSizes: number[];
  pageSizeStatements: Record<string, Partial<Record<ServerKind, number[]>>>;
  scenarios: ScenarioResult[];
  elapsedSeconds: number;
  loadAverage: { start: number[]; end: number[] };
};

function ratio(a: number | undefined, b: number | undefined): string {
  return a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}×` : '–';
}

export function renderMarkdown(report: Report, order: ServerKind[]): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push(`### Benchmark ${report.startedAt}`);
  lines.push('');
  lines.push(`\`${report.command}\` — ${report.dataSet.patients.toLocaleString('en-US')} patients (${report.dataSet.organizationPatients.toLocaleString('en-US')} in the benchmarked organization), ` +
    `${report.options.connections} connections, ${report.options.warmup} s warm-up + ${report.options.duration} s measured per server per scenario ` +
    `(${report.options.rounds} alternating rounds), pool ${report.options.pool} per server.`);
  lines.push('');
  lines.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM; ours (compiled, dist/) and PostGraphile on ${m.postgraphileNode ? 'Node 24' : `– (ours on ${m.node})`}, ` +
      `ours (Node ${m.node.slice(1).split('.')[0]}) the same build on ${m.node}, raw SQL on ${m.node} (tsx); PostgreSQL ${m.postgres} (${m.database}); ` +
      `load average ${report.loadAverage.start.map((n) => n.toFixed(1)).join(' ')} at start, ${report.loadAverage.end.map((n) => n.toFixed(1)).join(' ')} at the end.`,
  );
  lines.push('');
  const data = report.dataSet.reused ? 'the data set reused from an earlier run' : `seeding ${report.dataSet.seedSeconds ?? '–'} s`;
  lines.push(`**Total run time ${Math.floor(report.elapsedSeconds / 60)} min ${report.elapsedSeconds % 60} s** (compile, seed, checks and load; ${data}).`);
  for (const [k, why] of Object.entries(report.failures)) lines.push(`\n**${SERVER_LABEL[k as ServerKind]} did not run:** ${why}`);
  lines.push('');
  lines.push('| scenario | server | req/s | p50 ms | p99 ms | SQL stmts/req (load / exact) | Node CPU ms/req | server CPU (cores) | PostgreSQL CPU (cores) | peak RSS MB | errors |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of report.scenarios) {
    for (const k of order) {
      const r = s.summaries[k];
      if (!r) {
        lines.push(`| ${s.id} | ${SERVER_LABEL[k]} | skipped: ${s.skipped[k] ?? 'not run'} | | | | | | | | |`);
        continue;
      }
      lines.push(
        `| ${s.id} | ${SERVER_LABEL[k]} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.statementsPerRequest, 1)} / ${fmt(s.exactStatements[k] ?? NaN, 1)} | ` +
          `${fmt(r.serverCpuMsPerRequest, 2)} | ${fmt(r.serverCpu, 2)} | ${fmt(r.postgresCpu, 2)} | ${fmt(r.peakRssMb)} | ${r.errors} |`,
      );
    }
  }
  lines.push('');
  lines.push(
    'Ratios from the same run against ours on Node 24 (throughput; > 1× means ours is faster; Node CPU per request: < 1× means ours spends less), ' +
      'the Node 20 build beside it, and whether the peers returned the same data as ours:',
  );
  lines.push('');
  lines.push(
    '| scenario | ours / PostGraphile | ours (Node 20) / PostGraphile | ours / raw | p50 ours / PostGraphile | Node CPU ms/req ours / PostGraphile | raw: same data | PostGraphile: same data |',
  );
  lines.push('|---|---:|---:|---:|---:|---:|---|---|');
  for (const s of report.scenarios) {
    const o = s.summaries.ours;
    const pg = s.summaries.postgraphile;
    const eq = s.equivalence;
    lines.push(
      `| ${s.id} | ${ratio(o?.rps, pg?.rps)} | ${ratio(s.summaries['ours-node20']?.rps, pg?.rps)} | ${ratio(o?.rps, s.summaries.raw?.rps)} | ${ratio(o?.p50, pg?.p50)} | ` +
        `${ratio(o?.serverCpuMsPerRequest, pg?.serverCpuMsPerRequest)} | ` +
        `${eq?.raw ?? (s.summaries.raw ? 'write (shape checked)' : '–')} | ${eq?.postgraphile ?? (s.summaries.postgraphile ? 'write (shape checked)' : '–')} |`,
    );
  }
  const first = report.scenarios.find((s) => s.id === 'first-page');
  const deep = report.scenarios.find((s) => s.id === 'deep-page');
  if (first && deep) {
    lines.push('');
    lines.push(
      `Deep page vs first page (p50 / p99 latency): ` +
        order.map((k) => `${SERVER_LABEL[k]} ${ratio(deep.summaries[k]?.p50, first.summaries[k]?.p50)} / ${ratio(deep.summaries[k]?.p99, first.summaries[k]?.p99)}`).join(', ') +
        '.',
    );
  }
  for (const [id, byServer] of Object.entries(report.pageSizeStatements)) {
    lines.push('');
    lines.push(
      `SQL statements per request of ${id} at page sizes ${report.pageSizes.join(' / ')}: ` +
        order.map((k) => `${SERVER_LABEL[k]} ${byServer[k]?.map((n) => fmt(n, 1)).join(' / ') ?? '–'}`).join('; ') +
        '.',
    );
  }
  lines.push('');
  lines.push(`Peak RSS over the whole run (VmHWM): ${order.map((k) => `${SERVER_LABEL[k]} ${fmt(report.peakRssMb[k] ?? NaN)} MB`).join(', ')}. Run time ${report.elapsedSeconds} s.`);
  return lines.join('\n');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
