import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { parse } from 'yaml';
import { withDatabase } from '../../src/kernel/db/embedded.js';
import { startMainProcess, type MainProcess } from '../helpers/main-process.js';
import { TEST_JWT_SECRET } from '../helpers/test-app.js';

/**
 * The image and compose file as an operator uses them: Node 24, not root, a
 * HEALTHCHECK that really asks /readyz, a build context without data or
 * secrets, and a one-shot `migrate` service the API waits for while it never
 * migrates (MIGRATE_ON_START=false).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
const dockerfile = read('Dockerfile');

/** The HEALTHCHECK's exec form, as Docker runs it. */
function healthcheckCommand(): string[] {
  const match = /^HEALTHCHECK [^\n]*\\\n\s*CMD (\[.*\])$/m.exec(dockerfile);
  expect(match, 'HEALTHCHECK … CMD [exec form]').not.toBeNull();
  return JSON.parse(match![1]!) as string[];
}

/** Runs the HEALTHCHECK command against a server on `port`; resolves with its exit code. */
function runHealthcheck(port: string): Promise<number | null> {
  const [command, ...args] = healthcheckCommand();
  return new Promise((resolve) => {
    const child = spawn(command!, args, { env: { PATH: process.env.PATH ?? '', PORT: port }, stdio: 'ignore' });
    child.on('exit', (code) => resolve(code));
  });
}

/** `docker compose` (v2 plugin) or `docker-compose` (v1), whichever this machine has. */
function composeCli(): string[] | null {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  return null;
}

describe('Dockerfile', () => {
  it('builds on Node 24 in two stages and runs as the unprivileged node user', () => {
    const stages = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const image of stages) expect(image).toMatch(/^node:24[-.]/);
    expect(dockerfile).toMatch(/^COPY --from=build /m);
    const users = [...dockerfile.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBe('node');
    expect(dockerfile).toMatch(/^CMD \["node", "--max-semi-space-size=16", "dist\/src\/main\.js"\]/m);
  });

  it('checks health with Node against /readyz (no curl in the image)', () => {
    const command = healthcheckCommand();
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toContain('/readyz');
  });
});

describe('.dockerignore', () => {
  it('keeps data, dependencies, results and history out of the build context', () => {
    const entries = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const entry of ['.data', 'node_modules', 'bench/results', 'test-artifacts', '.git', '.env']) expect(entries).toContain(entry);
  });
});

describe('docker-compose.yml', () => {
  const { postgres: db, migrate, api } = compose.services;

  it('migrates once, as the owner, before the API starts; the API restarts and never migrates', () => {
    expect(db).toBeDefined();
    expect(migrate!.command).toEqual(['node', 'dist/scripts/db.js', 'migrate']);
    expect(migrate!.environment!.MIGRATION_DATABASE_URL).toMatch(/^postgresql:\/\/health:/);
    expect(migrate!.restart).toBe('no');
    expect(migrate!.depends_on!.postgres!.condition).toBe('service_healthy');

    expect(api!.restart).toBe('unless-stopped');
    expect(api!.depends_on!.migrate!.condition).toBe('service_completed_successfully');
    expect(api!.environment!.MIGRATE_ON_START).toBe('false');
    expect(api!.environment!.MIGRATION_DATABASE_URL).toBeUndefined();
    expect(api!.environment!.DATABASE_URL).toMatch(/^postgresql:\/\/health_api:/);
    expect(api!.environment).not.toHaveProperty('SEED_ON_FIRST_START');
    expect(api!.image).toBe(migrate!.image);
  });

  const cli = composeCli();
  it.runIf(cli !== null)('is accepted by `docker compose config`', () => {
    const [command, ...args] = cli!;
    const result = spawnSync(command!, [...args, '-f', path.join(ROOT, 'docker-compose.yml'), 'config', '-q'], {
      env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET },
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
  });
});

describe('MIGRATE_ON_START=false', () => {
  const adminUrl = inject('adminUrl');
  const name = `deploy_${process.pid}_${randomBytes(4).toString('hex')}`;
  let api: MainProcess | undefined;
  afterAll(async () => {
    await api?.stop();
    const root = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await root.unsafe(`drop database if exists ${name} with (force)`);
    await root.end();
  });

  it('serves without migrating: /readyz and the HEALTHCHECK fail until the migrate job ran, then pass', async () => {
    const root = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await root.unsafe(`create database ${name}`);
    await root.end();
    const url = withDatabase(adminUrl, name);
    api = await startMainProcess({ DATABASE_URL: url, MIGRATE_ON_START: 'false', JWT_SECRET: TEST_JWT_SECRET });
    const port = new URL(api.url).port;
    const readyz = `http://127.0.0.1:${port}/readyz`;

    expect((await fetch(readyz)).status).toBe(503);
    expect(await runHealthcheck(port)).toBe(1);

    // What the compose file's `migrate` service runs (there compiled: node dist/scripts/db.js migrate).
    const migrated = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn('node', ['--import', 'tsx', 'scripts/db.ts', 'migrate'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', MIGRATION_DATABASE_URL: url, DATABASE_URL: url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.on('exit', (code) => resolve({ code, output }));
    });
    expect(migrated.code, migrated.output).toBe(0);
    expect(api.child.exitCode).toBeNull();
    expect((await fetch(readyz)).status).toBe(200);
    expect(await runHealthcheck(port)).toBe(0);
  }, 120_000); // a server start and a migration, as processes
});
