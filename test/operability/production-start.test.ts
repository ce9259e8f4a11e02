import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/kernel/db/embedded.js';
import { DEMO_PASSWORD } from '../../src/seed/demo-accounts.js';
import { startMainProcess, type MainProcess } from '../helpers/main-process.js';
import { graphqlClient } from '../helpers/test-app.js';

/**
 * `NODE_ENV=production npm start` on the embedded default (no DATABASE_URL):
 * it migrates, never seeds demo data and never prints demo logins; the first
 * organization comes from `npm run admin -- create-organization` against the
 * same embedded PostgreSQL, and its admin signs in.
 */
const JWT_SECRET = 'production-start-secret-0123456789-0123456789';
const ADMIN_PASSWORD = 'production-admin-password';
const dataDir = `/tmp/health-production-pg-${process.pid}-${randomBytes(4).toString('hex')}`;
let env: Record<string, string>;
let api: MainProcess | undefined;

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { user { email roles } organization { slug } } }`;

/** A script (scripts/<name>.ts) as a real process with `env` and `stdin`; resolves with its exit code and output. */
function script(name: string, args: string[], stdin = '') {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('node', ['--import', 'tsx', `scripts/${name}.ts`, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('exit', (code) => resolve({ code, output }));
    child.stdin.end(stdin);
  });
}

beforeAll(async () => {
  env = {
    NODE_ENV: 'production',
    JWT_SECRET,
    EMBEDDED_PG_DATA_DIR: dataDir,
    EMBEDDED_PG_PORT: String(await freePort()),
    LOG_LEVEL: 'info',
  };
});

afterAll(async () => {
  await api?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('production on the embedded default', () => {
  it('refuses SEED_ON_FIRST_START=true and db:seed outright', async () => {
    const started = await startMainProcess({ ...env, SEED_ON_FIRST_START: 'true' }).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(started).toMatch(/SEED_ON_FIRST_START=true is refused when NODE_ENV=production/);
    const seeded = await script('db', ['seed', '--patients', '1']);
    expect(seeded.code).toBe(1);
    expect(seeded.output).toMatch(/refused when NODE_ENV=production/);
  }, 60_000);

  it('migrates but seeds nothing and prints no demo logins; the admin CLI makes the first admin, who signs in', async () => {
    api = await startMainProcess(env);
    const gql = graphqlClient(api.url);
    const printed = api.output().stdout + api.output().stderr;
    expect(printed).not.toContain(DEMO_PASSWORD);
    expect(printed).not.toMatch(/demo/i);
    // No demo account exists to sign in with.
    const demo = await gql(LOGIN, { i: { email: 'admin@northwind.example', password: DEMO_PASSWORD } });
    expect(demo.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(await api.stop()).toBe(0);
    api = undefined;

    // The embedded PostgreSQL is the API's while it runs: the CLI starts it itself afterwards.
    const created = await script(
      'admin',
      ['create-organization', '--name', 'Harbor Clinic', '--slug', 'harbor', '--admin-email', 'admin@harbor.example'],
      `${ADMIN_PASSWORD}\n`,
    );
    expect(created.code, created.output).toBe(0);

    api = await startMainProcess(env);
    expect(api.output().stdout).not.toContain(DEMO_PASSWORD);
    const session = await graphqlClient(api.url)(LOGIN, { i: { email: 'admin@harbor.example', password: ADMIN_PASSWORD } });
    expect(session.errors).toBeUndefined();
    expect(session.data!.login).toEqual({ user: { email: 'admin@harbor.example', roles: ['ORG_ADMIN'] }, organization: { slug: 'harbor' } });
  }, 180_000); // three starts of the embedded PostgreSQL, one of them migrating
});
