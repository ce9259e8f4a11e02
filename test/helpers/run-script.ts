import { spawn } from 'node:child_process';

/**
 * Runs `scripts/<script>` as an operator runs it (its own Node process through tsx) against
 * `databaseUrl`, with `stdin` piped in; resolves with its exit code and output.
 */
export function runScript(script: string, args: string[], databaseUrl: string, stdin = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('node', ['--import', 'tsx', `scripts/${script}`, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', DATABASE_URL: databaseUrl },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
