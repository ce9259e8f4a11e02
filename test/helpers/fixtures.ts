import { hash } from '@node-rs/argon2';
import type postgres from 'postgres';
import { ROLES, type Role } from '../../src/kernel/auth/permissions.js';
import type { TestApp } from './test-app.js';

export const TEST_PASSWORD = 'correct-horse-battery-staple';
let passwordHash: Promise<string> | undefined;

export interface TestOrganization {
  id: string;
  slug: string;
  /** One active user per role: `users.PHYSICIAN.email`, … */
  users: Record<Role, { id: string; email: string }>;
}

/** An organization with one user per role, all with TEST_PASSWORD. */
export async function createOrganization(admin: postgres.Sql, slug: string): Promise<TestOrganization> {
  passwordHash ??= hash(TEST_PASSWORD);
  const pw = await passwordHash;
  const [org] = await admin<{ id: string }[]>`
    insert into organizations (name, slug) values (${`Org ${slug}`}, ${slug}) returning id`;
  const users = {} as TestOrganization['users'];
  for (const role of ROLES) {
    const email = `${role.toLowerCase().replace('_', '')}@${slug}.test`;
    const [user] = await admin<{ id: string }[]>`
      insert into users (organization_id, email, password_hash, display_name, given_name, family_name)
      values (${org!.id}, ${email}, ${pw}, ${`${role} of ${slug}`}, ${role}, ${slug})
      returning id`;
    await admin`insert into user_roles (organization_id, user_id, role_code) values (${org!.id}, ${user!.id}, ${role})`;
    users[role] = { id: user!.id, email };
  }
  return { id: org!.id, slug, users };
}

export interface Session {
  accessToken: string;
  refreshToken: string;
}

export async function login(app: Pick<TestApp, 'gql'>, email: string, password = TEST_PASSWORD): Promise<Session> {
  const res = await app.gql<{ login: Session }>(
    `mutation($input: LoginInput!) { login(input: $input) { accessToken refreshToken } }`,
    { input: { email, password } },
  );
  if (!res.data?.login) throw new Error(`login failed for ${email}: ${JSON.stringify(res.errors)}`);
  return res.data.login;
}

/** Signs in one user per role and returns their access tokens. */
export async function tokensByRole(app: Pick<TestApp, 'gql'>, org: TestOrganization): Promise<Record<Role, string>> {
  const entries = await Promise.all(
    ROLES.map(async (role) => [role, (await login(app, org.users[role].email)).accessToken] as const),
  );
  return Object.fromEntries(entries) as Record<Role, string>;
}
