import { startMainProcess } from './main-process.js';
import { graphqlClient, TEST_JWT_SECRET, type GraphQLResponse } from './test-app.js';

/**
 * The API as its own OS process (src/main.ts) with a GraphQL client, for tests
 * where the process itself is under test: a crash shows as an exit here, not as
 * a dead test worker.
 */
export interface ApiProcess {
  url: string;
  /** Its Prometheus `/metrics` URL (a listener of its own). */
  metricsUrl: string;
  pid: number;
  hasExited(): boolean;
  /** Everything the process wrote to stderr (crash signatures, logs). */
  stderr(): string;
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

export async function startApiProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ApiProcess> {
  const main = await startMainProcess({ LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, JWT_SECRET: TEST_JWT_SECRET, ...env });
  return {
    url: main.url,
    metricsUrl: main.metricsUrl,
    pid: main.child.pid!,
    hasExited: () => main.child.exitCode !== null || main.child.signalCode !== null,
    stderr: () => main.output().stderr,
    gql: graphqlClient(main.url),
    async stop() {
      await main.stop();
    },
  };
}
