import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../helpers/run-script.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * `npm run admin` (scripts/admin.ts) as an operator runs it: a real process
 * against a brand-new migrated database (no seed), the password on standard
 * input; then the accounts it made sign in through the API.
 */
let app: TestApp;

/** Runs the admin CLI with `stdin` piped in; resolves with its exit code and output. */
const admin = (args: string[], stdin = '') => runScript('admin.ts', args, app.databaseUrl, stdin);

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { accessToken refreshToken user { email roles } organization { slug name } } }`;
const REFRESH = `mutation($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken } }`;

const login = (email: string, password: string) => app.gql(LOGIN, { i: { email, password } });

/** Rows that any command could have written: a refused command must leave every count as it was. */
async function counts() {
  const [row] = await app.admin<{ organizations: number; users: number; roles: number; audit: number }[]>`
    select (select count(*)::int from organizations) as organizations, (select count(*)::int from users) as users,
           (select count(*)::int from user_roles) as roles, (select count(*)::int from audit_log) as audit
  `;
  return row!;
}

const ADMIN_PASSWORD = 'first-admin-password-2026';

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('npm run admin', () => {
  it('creates the first organization and its admin on an empty database; the admin signs in through the API', async () => {
    expect(await counts()).toMatchObject({ organizations: 0, users: 0 });
    const created = await admin(
      ['create-organization', '--name', 'Lakeview Hospital', '--slug', 'lakeview', '--admin-email', 'Chief@Lakeview.example', '--timezone', 'Europe/Berlin'],
      `${ADMIN_PASSWORD}\n`,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/created organization "Lakeview Hospital" \(slug lakeview/);
    expect(created.stdout + created.stderr).not.toContain(ADMIN_PASSWORD);

    const session = await login('chief@lakeview.example', ADMIN_PASSWORD);
    expect(session.errors).toBeUndefined();
    expect(session.data!.login).toMatchObject({
      user: { email: 'chief@lakeview.example', roles: ['ORG_ADMIN'] },
      organization: { slug: 'lakeview', name: 'Lakeview Hospital' },
    });

    // Both rows audited in the same transaction: one request id, no acting user (the operator is none).
    const audit = await app.admin<{ action: string; actorUserId: string | null; requestId: string }[]>`
      select action, actor_user_id as "actorUserId", request_id as "requestId" from audit_log where request_id like 'admin-cli-%' order by action
    `;
    expect(audit.map((r) => r.action)).toEqual(['organization.create', 'user.create']);
    expect(new Set(audit.map((r) => r.requestId)).size).toBe(1);
    expect(audit[0]!.requestId).toMatch(/^admin-cli-/);
    expect(audit.every((r) => r.actorUserId === null)).toBe(true);
  }, 60_000); // two processes and an Argon2 hash

  it('refuses bad input with a clear message and changes nothing', async () => {
    const before = await counts();
    const cases: [string[], string, RegExp][] = [
      [['create-organization', '--name', 'Other', '--slug', 'lakeview', '--admin-email', 'a@other.example'], `${ADMIN_PASSWORD}\n`, /slug "lakeview" already exists/],
      [['create-organization', '--name', 'Other', '--slug', 'Bad Slug', '--admin-email', 'a@other.example'], `${ADMIN_PASSWORD}\n`, /slug must be 1–63 lower-case/],
      [['create-organization', '--name', 'Other', '--slug', 'other', '--admin-email', 'not-an-email'], `${ADMIN_PASSWORD}\n`, /email must be a valid email address/],
      [['create-organization', '--name', 'Other', '--slug', 'other', '--admin-email', 'a@other.example'], 'short\n', /password must be 12 to 256 characters/],
      [['create-organization', '--name', 'Other', '--slug', 'other', '--admin-email', 'a@other.example', '--timezone', 'Mars/Base'], `${ADMIN_PASSWORD}\n`, /timezone must be an IANA time zone/],
      // The first organization's admin e-mail again: the organization is rolled back with the user.
      [['create-organization', '--name', 'Other', '--slug', 'other', '--admin-email', 'chief@lakeview.example'], `${ADMIN_PASSWORD}\n`, /email already exists/],
      [['create-organization', '--name', 'Other', '--slug', 'other', '--admin-email', 'a@other.example'], '', /no password on standard input/],
      [['create-organization', '--name', 'Other', '--slug', 'other', '--admin-email', 'a@other.example', '--password', ADMIN_PASSWORD], '', /--password is not accepted/],
      [['create-organization', '--name', 'Other', '--slug', 'other'], `${ADMIN_PASSWORD}\n`, /needs --admin-email/],
      [['create-user', '--organization', 'lakeview', '--email', 'n@lakeview.example', '--name', 'N', '--role', 'SURGEON'], `${ADMIN_PASSWORD}\n`, /unknown role "SURGEON"/],
      [['create-user', '--organization', 'nowhere', '--email', 'n@lakeview.example', '--name', 'N', '--role', 'NURSE'], `${ADMIN_PASSWORD}\n`, /Organization nowhere was not found/],
      [['reset-password', '--email', 'ghost@lakeview.example'], `${ADMIN_PASSWORD}\n`, /User ghost@lakeview.example was not found/],
      [['deactivate-user', '--email', 'ghost@lakeview.example'], '', /User ghost@lakeview.example was not found/],
      [['drop-everything'], '', /unknown command "drop-everything"/],
    ];
    for (const [args, stdin, message] of cases) {
      const result = await admin(args, stdin);
      expect(result.code, `${args.join(' ')}: ${result.stdout}`).toBe(1);
      expect(result.stderr, args.join(' ')).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(await counts()).toEqual(before);
  }, 240_000); // fourteen CLI processes, each starting tsx

  it('creates users with roles, resets passwords (ending the sessions) and deactivates users', async () => {
    const nursePassword = 'nurse-initial-password';
    const created = await admin(
      ['create-user', '--organization', 'lakeview', '--email', 'nurse@lakeview.example', '--name', 'Night Nurse', '--role', 'NURSE', '--role', 'FRONT_DESK'],
      `${nursePassword}\n`,
    );
    expect(created.code, created.stderr).toBe(0);
    const first = await login('nurse@lakeview.example', nursePassword);
    expect(first.data!.login.user.roles.sort()).toEqual(['FRONT_DESK', 'NURSE']);

    const reset = await admin(['reset-password', '--email', 'nurse@lakeview.example'], 'nurse-new-password-2026\n');
    expect(reset.code, reset.stderr).toBe(0);
    expect((await login('nurse@lakeview.example', nursePassword)).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await app.gql(REFRESH, { t: first.data!.login.refreshToken })).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const second = await login('nurse@lakeview.example', 'nurse-new-password-2026');
    expect(second.errors).toBeUndefined();

    const deactivated = await admin(['deactivate-user', '--email', 'nurse@lakeview.example']);
    expect(deactivated.code, deactivated.stderr).toBe(0);
    expect((await login('nurse@lakeview.example', 'nurse-new-password-2026')).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await app.gql(REFRESH, { t: second.data!.login.refreshToken })).errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');

    const before = await counts();
    const again = await admin(['deactivate-user', '--email', 'nurse@lakeview.example']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already deactivated; nothing was changed/);
    expect(await counts()).toEqual(before);

    const actions = await app.admin<{ action: string }[]>`
      select a.action from audit_log a join users u on u.id = a.entity_id
      where u.email = 'nurse@lakeview.example' and a.request_id like 'admin-cli-%' order by a.occurred_at
    `;
    expect(actions.map((r) => r.action)).toEqual(['user.create', 'user.password.reset', 'user.deactivate']);
  }, 120_000); // five CLI processes
});
