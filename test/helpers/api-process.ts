import { spawn, type ChildProcess } from 'node:child_process';
import { TEST_JWT_SECRET, type GraphQLResponse } from './test-app.js';

/**
 * The API as its own OS process (`src/main.ts`), for tests where the process
 * itself is under test: a crash shows as an exit here, not as a dead test worker.
 */
export interface ApiProcess {
  url: string;
  pid: number;
  /** Resolves with the exit code if the process ever exits. */
  exited: Promise<number | null>;
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
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  // The listening URL is printed once the server is up: wait for that line (or the exit).
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const match = /(http:\/\/[^\s]+\/graphql)/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`API exited with ${code} before listening:\n${stdout}\n${stderr}`)));
  });
  return {
    url,
    pid: child.pid!,
    exited,
    hasExited: () => exitCode !== undefined,
    stderr: () => stderr,
    async gql(query, variables = {}, token, headers = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<any>;
    },
    async stop() {
      if (exitCode !== undefined) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
