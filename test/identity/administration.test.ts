import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/kernel/global-id.js';
import { TenantSession } from '../../src/kernel/db/tenant-session.js';
import { createOrganization, login, type TestOrganization } from '../helpers/fixtures.js';
import { uniqueEmail } from '../helpers/operations.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
let north: TestOrganization;
let south: TestOrganization;
let adminToken: string;
let southAdminToken: string;

beforeAll(async () => {
  app = await createTestApp();
  north = await createOrganization(app.admin, 'north');
  south = await createOrganization(app.admin, 'south');
  adminToken = (await login(app, north.users.ORG_ADMIN.email)).accessToken;
  southAdminToken = (await login(app, south.users.ORG_ADMIN.email)).accessToken;
});
afterAll(() => app.close());

const CREATE = `mutation($i: CreateUserInput!) { createUser(input: $i) { user { id userId email roles version } } }`;
const UPDATE = `mutation($i: UpdateUserInput!) { updateUser(input: $i) { user { displayName version } } }`;
const USERS = `query($first: Int, $after: String, $last: Int, $before: String, $filter: UserFilter) {
  users(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
    totalCount edges { cursor node { userId email } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

async function audits(action: string, entityId: string) {
  return app.admin<{ actorUserId: string; organizationId: string; changes: any }[]>`
    select actor_user_id as "actorUserId", organization_id as "organizationId", changes
    from audit_log where action = ${action} and entity_id = ${entityId}`;
}

describe('user administration', () => {
  it('creates a user in the admin\'s organization, with an audit row', async () => {
    const email = uniqueEmail('new.physician');
    const res = await app.gql(CREATE, { i: { email, password: 'twelve-chars-ok', displayName: 'Dr New', roles: ['PHYSICIAN'] } }, adminToken);
    expect(res.errors).toBeUndefined();
    const user = res.data!.createUser.user;
    expect(user).toMatchObject({ email, roles: ['PHYSICIAN'], version: 1 });
    const [row] = await app.admin<{ organizationId: string }[]>`select organization_id as "organizationId" from users where id = ${user.userId}`;
    expect(row!.organizationId).toBe(north.id);
    const [audit] = await audits('user.create', user.userId);
    expect(audit).toMatchObject({ actorUserId: north.users.ORG_ADMIN.id, organizationId: north.id });
    expect(audit!.changes.after).toMatchObject({ email, roles: ['PHYSICIAN'] });
    expect(JSON.stringify(audit!.changes)).not.toMatch(/password|argon/i);
  });

  it('refuses bad input with the field named, and duplicates with CONFLICT', async () => {
    const short = await app.gql(CREATE, { i: { email: uniqueEmail('x'), password: 'short', displayName: 'X', roles: ['NURSE'] } }, adminToken);
    expect(short.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    const email = await app.gql(CREATE, { i: { email: 'not-an-email', password: 'twelve-chars-ok', displayName: 'X', roles: ['NURSE'] } }, adminToken);
    expect(email.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
    const noRoles = await app.gql(CREATE, { i: { email: uniqueEmail('x'), password: 'twelve-chars-ok', displayName: 'X', roles: [] } }, adminToken);
    expect(noRoles.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'roles' });
    const dup = await app.gql(CREATE, { i: { email: north.users.NURSE.email, password: 'twelve-chars-ok', displayName: 'X', roles: ['NURSE'] } }, adminToken);
    expect(dup.errors?.[0]?.extensions.code).toBe('CONFLICT');
  });

  it('updates with optimistic concurrency: a stale version gets CONFLICT and changes nothing', async () => {
    const id = toGlobalId('User', north.users.NURSE.id);
    const ok = await app.gql(UPDATE, { i: { id, version: 1, displayName: 'Nurse Renamed' } }, adminToken);
    expect(ok.data?.updateUser.user).toEqual({ displayName: 'Nurse Renamed', version: 2 });
    const stale = await app.gql(UPDATE, { i: { id, version: 1, displayName: 'Lost Update' } }, adminToken);
    expect(stale.errors?.[0]?.extensions.code).toBe('CONFLICT');
    const [row] = await app.admin<{ displayName: string }[]>`select display_name as "displayName" from users where id = ${north.users.NURSE.id}`;
    expect(row!.displayName).toBe('Nurse Renamed');
    expect(await audits('user.update', north.users.NURSE.id)).toHaveLength(1);
  });

  it('assigns and revokes roles, audited, effective on the next request', async () => {
    const target = north.users.ANALYST;
    const token = (await login(app, target.email)).accessToken;
    expect((await app.gql(`{ users(first: 1) { totalCount } }`, {}, token)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const assign = await app.gql(`mutation($i: UserRoleInput!) { assignRole(input: $i) { user { roles } } }`, { i: { userId: target.id, role: 'ORG_ADMIN' } }, adminToken);
    expect(assign.data?.assignRole.user.roles).toEqual(['ANALYST', 'ORG_ADMIN']);
    expect((await app.gql(`{ users(first: 1) { totalCount } }`, {}, token)).data?.users.totalCount).toBeGreaterThan(0);
    const revoke = await app.gql(`mutation($i: UserRoleInput!) { revokeRole(input: $i) { user { roles } } }`, { i: { userId: target.id, role: 'ORG_ADMIN' } }, adminToken);
    expect(revoke.data?.revokeRole.user.roles).toEqual(['ANALYST']);
    expect((await app.gql(`{ users(first: 1) { totalCount } }`, {}, token)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect(await audits('user.role.assign', target.id)).toHaveLength(1);
    expect(await audits('user.role.revoke', target.id)).toHaveLength(1);
  });

  it('a failure inside the transaction leaves neither the user nor its audit row', async () => {
    // Inject a failure at the very end of the transaction: the audit insert is refused.
    await app.admin`alter table audit_log add constraint reject_user_create check (action <> 'user.create') not valid`;
    try {
      const email = uniqueEmail('doomed');
      const res = await app.gql(CREATE, { i: { email, password: 'twelve-chars-ok', displayName: 'Doomed', roles: ['NURSE'] } }, adminToken);
      expect(res.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
      const rows = await app.admin`select 1 from users where email = ${email}`;
      expect(rows).toHaveLength(0);
      const roles = await app.admin`select 1 from user_roles ur join users u on u.id = ur.user_id where u.email = ${email}`;
      expect(roles).toHaveLength(0);
    } finally {
      await app.admin`alter table audit_log drop constraint reject_user_create`;
    }
  });
});

describe('directory paging', () => {
  it('walks forward and backward over every user exactly once, in order', async () => {
    const all = await app.admin<{ id: string }[]>`
      select id from users where organization_id = ${north.id} order by display_name, id`;
    const forward: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await app.gql(USERS, { first: 2, after }, adminToken);
      forward.push(...res.data.users.edges.map((e: any) => e.node.userId));
      if (!res.data.users.pageInfo.hasNextPage) break;
      after = res.data.users.pageInfo.endCursor;
    }
    expect(forward).toEqual(all.map((u) => u.id));
    const backward: string[] = [];
    let before: string | null = null;
    for (;;) {
      const res: any = await app.gql(USERS, { last: 3, before }, adminToken);
      backward.unshift(...res.data.users.edges.map((e: any) => e.node.userId));
      if (!res.data.users.pageInfo.hasPreviousPage) break;
      before = res.data.users.pageInfo.startCursor;
    }
    expect(backward).toEqual(all.map((u) => u.id));
  });

  it('caps page size at 1000 and refuses malformed cursors', async () => {
    const big = await app.gql(USERS, { first: 1001 }, adminToken);
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(big.errors?.[0]?.message).toMatch(/1000/);
    expect((await app.gql(USERS, { first: 1000 }, adminToken)).errors).toBeUndefined();
    const bad = await app.gql(USERS, { first: 5, after: 'not-a-cursor' }, adminToken);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('filters by role, active and search', async () => {
    const res = await app.gql(USERS, { first: 50, filter: { role: 'PHYSICIAN', active: true } }, adminToken);
    expect(res.data?.users.edges.map((e: any) => e.node.userId)).toContain(north.users.PHYSICIAN.id);
    expect(res.data?.users.edges.every((e: any) => e.node.userId !== north.users.NURSE.id)).toBe(true);
    const search = await app.gql(USERS, { first: 50, filter: { search: 'FRONT_DESK of' } }, adminToken);
    expect(search.data?.users.edges.map((e: any) => e.node.userId)).toEqual([north.users.FRONT_DESK.id]);
  });
});

describe('tenant isolation of identity paths', () => {
  it('never shows another organization\'s users: root fields, node, lists, cursors', async () => {
    const southUser = south.users.PHYSICIAN.id;
    const byId = await app.gql(`query($id: ID!) { user(id: $id) { email } }`, { id: southUser }, adminToken);
    expect(byId.data?.user).toBeNull();
    const node = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: toGlobalId('User', southUser) }, adminToken);
    expect(node.data?.node).toBeNull();
    const orgNode = await app.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: toGlobalId('Organization', south.id) }, adminToken);
    expect(orgNode.data?.node).toBeNull();
    const list = await app.gql(USERS, { first: 1000 }, adminToken);
    const southIds = new Set(Object.values(south.users).map((u) => u.id));
    expect(list.data?.users.edges.some((e: any) => southIds.has(e.node.userId))).toBe(false);
    // A cursor taken from south's directory only positions within north's.
    const southPage = await app.gql(USERS, { first: 1 }, southAdminToken);
    const foreignCursor = southPage.data?.users.pageInfo.endCursor;
    const withCursor = await app.gql(USERS, { first: 1000, after: foreignCursor }, adminToken);
    expect(withCursor.data?.users.edges.some((e: any) => southIds.has(e.node.userId))).toBe(false);
  });

  it('never writes to another organization\'s users', async () => {
    const target = south.users.NURSE.id;
    const calls = [
      [UPDATE, { i: { id: target, version: 1, displayName: 'hijacked' } }],
      [`mutation($id: ID!) { deactivateUser(id: $id) { user { id } } }`, { id: target }],
      [`mutation($i: UserRoleInput!) { assignRole(input: $i) { user { id } } }`, { i: { userId: target, role: 'ORG_ADMIN' } }],
      [`mutation($i: UserRoleInput!) { revokeRole(input: $i) { user { id } } }`, { i: { userId: target, role: 'NURSE' } }],
    ] as const;
    for (const [query, variables] of calls) {
      const res = await app.gql(query, variables as Record<string, unknown>, adminToken);
      expect(res.errors?.[0]?.extensions.code, query).toBe('NOT_FOUND');
    }
    const [row] = await app.admin<{ displayName: string; active: boolean; version: number }[]>`
      select display_name as "displayName", active, version from users where id = ${target}`;
    expect(row).toEqual({ displayName: 'NURSE of south', active: true, version: 1 });
    const roles = await app.admin`select role_code from user_roles where user_id = ${target}`;
    expect(roles.map((r) => r.role_code)).toEqual(['NURSE']);
    const audit = await app.admin`select 1 from audit_log where organization_id = ${south.id} and action like 'user.%'`;
    expect(audit).toHaveLength(0);
  });

  it('row-level security alone hides other organizations from an unfiltered query in a request transaction', async () => {
    const session = new TenantSession(
      app.api.deps.db,
      { organizationId: north.id, userId: north.users.ORG_ADMIN.id, requestId: 'rls-test' },
      app.api.deps.limits,
    );
    const rows = await session.read((tx) => tx<{ organizationId: string }[]>`select organization_id from users`);
    const refresh = await session.read((tx) => tx<{ organizationId: string }[]>`select organization_id from refresh_tokens`);
    await session.end();
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.organizationId))).toEqual(new Set([north.id]));
    expect(refresh.every((r) => r.organizationId === north.id)).toBe(true);
  });
});
