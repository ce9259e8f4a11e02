import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  }, 60_000); // two processes starting tsx
});

/** Every variable read from process.env in these folders (recursively), and every one the configuration reads. */
function variablesRead(): Set<string> {
  const names = new Set<string>();
  const scan = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules' && entry.name !== 'generated' && entry.name !== 'peers') scan(full);
      else if (entry.name.endsWith('.ts')) for (const m of readFileSync(full, 'utf8').matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)) names.add(m[1]!);
    }
  };
  for (const dir of ['src', 'scripts', 'test', 'bench']) scan(path.join(ROOT, dir));
  for (const m of readFileSync(path.join(ROOT, 'src/kernel/config.ts'), 'utf8').matchAll(/env(?:, |\.)'?([A-Z][A-Z0-9_]+)/g)) names.add(m[1]!);
  // The shell's and Docker's own, not ours to document.
  for (const foreign of ['PATH', 'HOME', 'TMPDIR', 'DOCKER_HOST', 'CI']) names.delete(foreign);
  return names;
}

describe('documentation of the environment', () => {
  it('names every variable the code reads in the README and in .env.example', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const names = [...variablesRead()].sort();
    expect(names).toEqual(expect.arrayContaining(['JWT_SECRET', 'TEST_NO_CONTAINERS', 'LINT_DATABASE_ADMIN_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT']));
    expect(names.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
    expect(names.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example))).toEqual([]);
  });
});
