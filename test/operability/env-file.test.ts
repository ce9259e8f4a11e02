import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `.env` in the working directory is read by every entry point (npm start,
 * npm run db:*, npm run admin), and a variable set in the real environment
 * wins over the file. Shown through the configuration check, which names the
 * first bad variable: the file's LOG_LEVEL is bad but the environment's is
 * used, so the error names the file's next bad variable.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const dir = mkdtempSync(path.join(tmpdir(), 'health-env-file-'));
writeFileSync(path.join(dir, '.env'), '# the operator\'s settings\nLOG_LEVEL=loud\nDATABASE_MAX_CONNECTIONS=many\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(entry: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn('node', ['--import', TSX, path.join(ROOT, entry), ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('.env', () => {
  const entries: [string, string[]][] = [
    ['src/main.ts', []],
    ['scripts/db.ts', ['migrate']],
    ['scripts/admin.ts', ['deactivate-user', '--email', 'someone@example.test']],
  ];

  it.each(entries)('%s reads .env, and the real environment wins', async (entry, args) => {
    const withEnvironment = await run(entry, args, { LOG_LEVEL: 'info' });
    expect(withEnvironment.code).toBe(1);
    expect(withEnvironment.stderr).toMatch(/DATABASE_MAX_CONNECTIONS must be a whole number between 1 and 1000, got "many"/);

    const fileOnly = await run(entry, args, {});
    expect(fileOnly.code).toBe(1);
    expect(fileOnly.stderr).toMatch(/LOG_LEVEL must be one of .*, got "loud"/);
  });
});
