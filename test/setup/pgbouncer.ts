import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { freePort } from '../../src/kernel/db/embedded.js';
import { waitFor } from '../helpers/wait.js';

export interface RunningPgBouncer {
  /** `adminUrl` with host and port replaced by PgBouncer's: same user, any database name. */
  url: string;
  version: string;
  stop(): Promise<void>;
}

/** Debian's `pgbouncer` package puts it in /usr/sbin, which a non-root PATH may lack. */
export function findPgBouncer(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']) {
    const candidate = join(dir, 'pgbouncer');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}


/** PgBouncer (like initdb and postgres) refuses to run as root: as root, it runs as `user`. */
export function unprivilegedIds(user = 'nobody'): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error(`running as root, and no \`${user}\` user to run as`);
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * PgBouncer in transaction mode in front of the cluster at `adminUrl`, as a
 * production deployment runs it: every client transaction may land on another
 * server connection, so nothing session-level survives between transactions.
 * Clients authenticate with any name (`auth_type = any`); PgBouncer logs in to
 * PostgreSQL as the admin URL's user.
 */
export async function startPgBouncer(adminUrl: string): Promise<RunningPgBouncer> {
  const binary = findPgBouncer();
  if (!binary) throw new Error('pgbouncer is not installed (Debian: apt-get install -y pgbouncer)');
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? 'PgBouncer';
  const target = new URL(adminUrl);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'pgbouncer-'));
  chmodSync(dir, 0o755);
  const login = [`host=${target.hostname}`, `port=${target.port || 5432}`, `user=${decodeURIComponent(target.username)}`];
  if (target.password) login.push(`password=${decodeURIComponent(target.password)}`);
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(
    ini,
    [
      '[databases]',
      `* = ${login.join(' ')}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      'pool_mode = transaction',
      'max_client_conn = 2000',
      // Per database: a test file's two API processes (10 + 10) and its fixtures share it.
      'default_pool_size = 12',
      'reserve_pool_size = 4',
      'server_lifetime = 3600',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const child = spawn(binary, [ini], { stdio: ['ignore', 'ignore', 'pipe'], ...unprivilegedIds() });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = new URL(adminUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  const probe = postgres(url.toString(), { max: 1, prepare: false, onnotice: () => {}, connect_timeout: 2 });
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}: ${stderr}`);
        return probe`select 1 as ok`.then(
          () => true,
          () => false,
        );
      },
      () => `pgbouncer to accept connections on port ${port}: ${stderr}`,
    );
  } finally {
    await probe.end();
  }
  return {
    url: url.toString(),
    version,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
