import { spawn, type ChildProcess } from 'node:child_process';
import { waitForOutput } from './wait.js';

/** `npm start`'s entry point (src/main.ts) running as a child process. */
export interface MainProcess {
  child: ChildProcess;
  /** The GraphQL URL it printed once ready. */
  url: string;
  /** The Prometheus URL it printed (its own listener, METRICS_PORT). */
  metricsUrl: string;
  /** Resolves with the exit code once the process exits. */
  exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<number | null>;
}

/**
 * Starts src/main.ts with exactly `env` (plus PATH and HOME) on an ephemeral
 * port and resolves once it prints its URL; rejects with its output if it
 * exits first.
 */
export async function startMainProcess(env: Record<string, string>): Promise<MainProcess> {
  const child = spawn('node', ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      METRICS_PORT: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const output = () => ({ stdout, stderr });
  // Its output ends only when it exits: then report the exit with everything it printed.
  const ready = await waitForOutput(child.stdout, /Health GraphQL API: (http:\/\/\S+\/graphql)[\s\S]*?\nMetrics: (http:\/\/\S+\/metrics)/).catch(async () => {
    const code = await exited;
    throw new Error(`src/main.ts exited with ${code} before it was ready\nstdout: ${stdout}\nstderr: ${stderr}`);
  });
  return {
    child,
    url: ready[1]!,
    metricsUrl: ready[2]!,
    exited,
    output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
