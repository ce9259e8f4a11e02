/**
 * The servers under test, each its own process on a loopback port: our API
 * compiled (production mode) on the same Node 24 as the PostGraphile peer (the
 * npm `node` package) and again on the machine's Node (`ours-node20`, an extra
 * row), the PostGraphile peer and the raw-SQL peer. Each exposes `sql_statements_total` at
 * GET /metrics; CPU time and memory are read from /proc/<pid>.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from '../../src/kernel/db/embedded.js';

const run = promisify(execFile);

export type ServerKind = 'ours' | 'ours-node20' | 'postgraphile' | 'raw';
export const SERVER_LABEL: Record<ServerKind, string> = {
  ours: 'ours (Node 24)',
  'ours-node20': `ours (Node ${process.versions.node.split('.')[0]})`,
  postgraphile: 'PostGraphile',
  raw: 'raw SQL',
};

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const PG_PEER_DIR = path.join(ROOT, 'bench/peers/postgraphile');

export interface RunningServer {
  kind: ServerKind;
  pid: number;
  port: number;
  origin: string;
  /** Peak RSS since the process started (VmHWM), bytes. */
  peakRss(): number;
  /** Current RSS (VmRSS), bytes. */
  rss(): number;
  /** CPU seconds (user + system) used so far. */
  cpuSeconds(): number;
  statements(): Promise<number>;
  stop(): Promise<void>;
  /** Lines the process printed (stdout + stderr), for failure messages. */
  output(): string;
}

export interface ServerEnv {
  databaseUrl: string;
  organizationId: string;
  userId: string;
  billingUserId: string;
  nurseId: string;
  poolMax: number;
  /** Extra node flags for our API (e.g. --cpu-prof). */
  oursNodeFlags: string[];
  /** How our API reaches PostgreSQL (`--via pgbouncer`: DATABASE_URL through PgBouncer, LISTEN direct…); {} = directly. */
  oursDatabaseEnv: Record<string, string>;
  /** API_PROCESSES of our API (`--api-processes`). */
  oursProcesses: number;
}

const CLOCK_TICKS = 100;

function procStatus(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** `pid` and its descendants (our API with API_PROCESSES > 1 is a primary and its workers). */
function processTree(pid: number): number[] {
  let children: number[] = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    /* gone */
  }
  return [pid, ...children.flatMap(processTree)];
}

/** Summed over the process tree: peak RSS is then the sum of each process's peak (an upper bound). */
const treeStatus = (pid: number, field: 'VmHWM' | 'VmRSS') => processTree(pid).reduce((sum, p) => sum + procStatus(p, field), 0);
const treeCpuSeconds = (pid: number) => processTree(pid).reduce((sum, p) => sum + cpuSecondsOf(p), 0);

export function cpuSecondsOf(pid: number): number {
  const { user, system } = cpuTimesOf(pid);
  return user + system;
}

/** CPU seconds a process spent in user space and in the kernel (0 once it is gone). */
export function cpuTimesOf(pid: number): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    return { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS };
  } catch {
    return { user: 0, system: 0 };
  }
}

/** Signs in to our API as a seeded account (every seeded account has the demo password); its access token. */
export async function loginToOurs(ours: Pick<RunningServer, 'origin'>, email: string): Promise<string> {
  const res = await fetch(`${ours.origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation Login($input: LoginInput!) { login(input: $input) { accessToken } }',
      variables: { input: { email, password: 'demo-password-2026' } },
    }),
  });
  const body = (await res.json()) as { data?: { login?: { accessToken: string } }; errors?: { message: string }[] };
  const token = body.data?.login?.accessToken;
  if (!token) throw new Error(`login as ${email} failed: ${JSON.stringify(body.errors ?? body)}`);
  return token;
}

/** CPU seconds of every local `postgres` process (the embedded cluster's backends and workers), by pid. */
export async function postgresCpu(): Promise<Map<number, number>> {
  const { readdir } = await import('node:fs/promises');
  const byPid = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = (await readFile(`/proc/${entry}/comm`, 'utf8')).trim();
      if (comm === 'postgres') byPid.set(Number(entry), cpuSecondsOf(Number(entry)));
    } catch {
      /* the process ended */
    }
  }
  return byPid;
}

/**
 * CPU PostgreSQL used between two snapshots: the growth of every process
 * alive at the end (processes started in between count whole). A backend that
 * exits in between (a peer's pool closing an idle connection) drops out
 * instead of subtracting its lifetime.
 */
export function postgresCpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += Math.max(0, seconds - (before.get(pid) ?? 0));
  return total;
}

function collect(child: ChildProcess): () => string {
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    lines.push(chunk.toString('utf8'));
    if (lines.length > 200) lines.splice(0, lines.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => lines.join('');
}

async function waitForHealth(origin: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}: ${output().slice(-2000)}`);
    try {
      const res = await fetch(`${origin}/healthz`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await delay(200);
  }
  throw new Error(`did not answer ${origin}/healthz within ${timeoutMs / 1000} s: ${output().slice(-2000)}`);
}

async function start(kind: ServerKind, command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, port: number, timeoutMs: number, metricsPort = port): Promise<RunningServer> {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(origin, child, output, timeoutMs);
  } catch (error) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw new Error(`${SERVER_LABEL[kind]} ${(error as Error).message}`);
  }
  const pid = child.pid!;
  return {
    kind,
    pid,
    port,
    origin,
    peakRss: () => treeStatus(pid, 'VmHWM'),
    rss: () => treeStatus(pid, 'VmRSS'),
    cpuSeconds: () => treeCpuSeconds(pid),
    statements: async () => {
      const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
        (res) => res.text(),
        (error: unknown) => {
          // Name the server and what it printed: a crash under load is otherwise only "fetch failed".
          throw new Error(`${SERVER_LABEL[kind]} (pid ${pid}, exit code ${child.exitCode}, signal ${child.signalCode}) did not answer /metrics: ${(error as Error).message}\n${output().slice(-2000)}`);
        },
      );
      const match = /^sql_statements_total(?:\{[^}]*\})? (\d+(?:\.\d+)?)/m.exec(text);
      if (!match) throw new Error(`${SERVER_LABEL[kind]}: no sql_statements_total in /metrics`);
      return Number(match[1]);
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    output,
  };
}

const baseEnv = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  TMPDIR: process.env.TMPDIR,
  npm_config_cache: process.env.npm_config_cache,
});

/** Compiles our API to dist/ (`npm run build`): the bench measures what production runs, not tsx. */
export async function buildOurs(): Promise<void> {
  await run('npm', ['run', 'build', '--silent'], { cwd: ROOT, timeout: 600_000 });
}

/**
 * The Node flags production runs with: those of `npm run start:prod` in package.json
 * (the Dockerfile's CMD carries the same), so the bench measures what is deployed.
 */
export function productionNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  return (pkg.scripts['start:prod'] ?? '').split(/\s+/).filter((arg) => arg.startsWith('--'));
}

/** Our compiled API (dist/src/main.js) on the given Node binary. */
export async function startOurs(env: ServerEnv, kind: 'ours' | 'ours-node20', nodeBinary: string): Promise<RunningServer> {
  const port = await freePort();
  const metricsPort = await freePort();
  return start(
    kind,
    nodeBinary,
    [...productionNodeFlags(), ...env.oursNodeFlags, 'dist/src/main.js'],
    {
      ...baseEnv(),
      DATABASE_URL: env.databaseUrl,
      NODE_ENV: 'production',
      JWT_SECRET: 'bench-only-secret-bench-only-secret-0123456789',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_MAX_CONNECTIONS: String(env.poolMax),
      DATABASE_MIN_CONNECTIONS: String(Math.min(env.poolMax, 2)),
      SEED_ON_FIRST_START: 'false',
      METRICS_PORT: String(metricsPort),
      // A load test is one user sending thousands of requests a second: no request limit.
      RATE_LIMIT_REQUESTS: '10000000',
      RATE_LIMIT_WINDOW_SECONDS: '1',
      API_PROCESSES: String(env.oursProcesses),
      ...env.oursDatabaseEnv,
    },
    ROOT,
    port,
    60_000,
    metricsPort,
  );
}

export async function startRaw(env: ServerEnv): Promise<RunningServer> {
  const port = await freePort();
  return start(
    'raw',
    process.execPath,
    ['--import', 'tsx', 'bench/peers/raw/server.ts'],
    {
      ...baseEnv(),
      DATABASE_URL: env.databaseUrl,
      PORT: String(port),
      POOL_MAX: String(env.poolMax),
      BENCH_ORG_ID: env.organizationId,
      BENCH_USER_ID: env.userId,
      BENCH_BILLING_USER_ID: env.billingUserId,
      BENCH_NURSE_ID: env.nurseId,
    },
    ROOT,
    port,
    30_000,
  );
}

/** Installs the peer's dependencies when missing (a fresh clone), from its lock file. */
export async function ensurePostGraphileInstalled(log: (line: string) => void): Promise<void> {
  if (existsSync(path.join(PG_PEER_DIR, 'node_modules/postgraphile/package.json'))) return;
  log('postgraphile: installing bench/peers/postgraphile dependencies (npm ci)');
  await run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: PG_PEER_DIR, timeout: 300_000 });
}

/** The Node 24 binary of the npm `node` package (downloaded by npx on first use). */
export async function node24Path(): Promise<string> {
  const { stdout } = await run('npx', ['-y', 'node@24', '-p', 'process.execPath + " " + process.version'], {
    cwd: PG_PEER_DIR,
    timeout: 300_000,
  });
  const [binary, version] = stdout.trim().split(/\s+/);
  if (!binary || !version?.startsWith('v24')) throw new Error(`npx -y node@24 did not report a Node 24 binary: ${stdout}`);
  return binary;
}

export async function startPostGraphile(env: ServerEnv, nodeBinary: string): Promise<RunningServer> {
  const port = await freePort();
  return start(
    'postgraphile',
    nodeBinary,
    ['server.mjs'],
    {
      ...baseEnv(),
      DATABASE_URL: env.databaseUrl,
      PORT: String(port),
      POOL_MAX: String(env.poolMax),
      BENCH_ORG_ID: env.organizationId,
      BENCH_USER_ID: env.userId,
      NODE_ENV: 'production',
      GRAPHILE_ENV: 'production',
    },
    PG_PEER_DIR,
    port,
    120_000,
  );
}
