import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import type { RowStamps } from '../kernel/row-stamps.js';
import { keysetList } from '../kernel/root-list.js';

/** A staff account as the API shows it (never the password hash). */
export interface UserRow extends RowStamps {
  id: string;
  organizationId: string;
  email: string;
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  title: string | null;
  specialty: string | null;
  active: boolean;
  lastLoginAt: Date | null;
}

export interface LoginAccount {
  id: string;
  organizationId: string;
  passwordHash: string;
  active: boolean;
  failedLoginCount: number;
  lockedUntil: Date | null;
}

export interface RefreshTokenRow {
  id: string;
  organizationId: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
}

export interface UserRoleRow {
  userId: string;
  roleCode: string;
}

export interface UserFilter {
  active?: boolean | null;
  role?: string | null;
  search?: string | null;
}

export interface UserChanges {
  displayName?: string | null;
  givenName?: string | null;
  familyName?: string | null;
  title?: string | null;
  specialty?: string | null;
}


// ---- accounts and sessions (sign-in runs as health_auth, before the organization is known) ----

export async function loginAccountByEmail(tx: TransactionSql, email: string): Promise<LoginAccount | null> {
  const rows = await tx<LoginAccount[]>`
    /* loginAccountByEmail */
    select u.id, u.organization_id, u.password_hash, (u.active and o.active) as active,
           u.failed_login_count, u.locked_until
    from users u
    join organizations o on o.id = u.organization_id
    where u.email = ${email}
  `;
  return rows[0] ?? null;
}

/** The same account by id, for refreshSession (health_auth). */
export async function loginAccountById(tx: TransactionSql, organizationId: string, id: string): Promise<LoginAccount | null> {
  const rows = await tx<LoginAccount[]>`
    /* loginAccountById */
    select u.id, u.organization_id, u.password_hash, (u.active and o.active) as active,
           u.failed_login_count, u.locked_until
    from users u
    join organizations o on o.id = u.organization_id
    where u.organization_id = ${organizationId}::uuid and u.id = ${id}::uuid
  `;
  return rows[0] ?? null;
}

/**
 * The organization of an active user, if the user is active and belongs to
 * `organizationId` (read under RLS in that organization, and filtered by it).
 */
export async function activeUserOrganization(tx: TransactionSql, userId: string, organizationId: string): Promise<string | null> {
  const rows = await tx<{ organizationId: string }[]>`
    /* activeUserOrganization */
    select organization_id as "organizationId" from users
    where id = ${userId}::uuid and organization_id = ${organizationId}::uuid and active
  `;
  return rows[0]?.organizationId ?? null;
}

export async function rolesByUserIds(tx: TransactionSql, userIds: readonly string[]): Promise<UserRoleRow[]> {
  return tx<UserRoleRow[]>`
    /* rolesByUserIds */
    select user_id, role_code from user_roles where user_id = any(${userIds as string[]}::uuid[]) order by role_code
  `;
}

/** Counts a wrong password (a statistic for administrators; waits are kept in rate_limits, see login-throttle.ts). */
export async function recordLoginFailure(tx: TransactionSql, account: LoginAccount): Promise<void> {
  await tx`
    /* recordLoginFailure */
    update users set failed_login_count = failed_login_count + 1
    where organization_id = ${account.organizationId}::uuid and id = ${account.id}::uuid
  `;
}

export async function recordLoginSuccess(tx: TransactionSql, account: LoginAccount): Promise<void> {
  await tx`
    /* recordLoginSuccess */
    update users set failed_login_count = 0, last_login_at = now()
    where organization_id = ${account.organizationId}::uuid and id = ${account.id}::uuid
  `;
}

export interface NewRefreshToken {
  organizationId: string;
  userId: string;
  familyId: string;
  tokenHash: string;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

export async function insertRefreshToken(tx: TransactionSql, token: NewRefreshToken): Promise<string> {
  const rows = await tx<{ id: string }[]>`
    /* insertRefreshToken */
    insert into refresh_tokens (organization_id, user_id, family_id, token_hash, expires_at, user_agent, ip)
    values (${token.organizationId}::uuid, ${token.userId}::uuid, ${token.familyId}::uuid, ${token.tokenHash},
            ${token.expiresAt}, ${token.userAgent}, ${token.ip})
    returning id
  `;
  return rows[0]!.id;
}

/** Locks the token row so two concurrent refreshes with one token cannot both rotate it. */
export async function refreshTokenForUpdate(tx: TransactionSql, tokenHash: string): Promise<RefreshTokenRow | null> {
  const rows = await tx<RefreshTokenRow[]>`
    /* refreshTokenForUpdate */
    select id, organization_id, user_id, family_id, expires_at, used_at, revoked_at
    from refresh_tokens
    where token_hash = ${tokenHash}
    for update
  `;
  return rows[0] ?? null;
}

export async function markRefreshTokenUsed(tx: TransactionSql, token: RefreshTokenRow, replacedBy: string): Promise<void> {
  await tx`
    /* markRefreshTokenUsed */
    update refresh_tokens set used_at = now(), replaced_by = ${replacedBy}::uuid
    where organization_id = ${token.organizationId}::uuid and id = ${token.id}::uuid
  `;
}

/** The replay stored on a rotated token by a refreshSession sent with an Idempotency-Key, while younger than `ttlHours`. */
export async function rotationReplay(tx: TransactionSql, token: RefreshTokenRow, ttlHours: number): Promise<{ rotationRequest: string; rotationResult: Buffer } | null> {
  const rows = await tx<{ rotationRequest: string | null; rotationResult: string | null }[]>`
    /* rotationReplay */
    select rotation_request, encode(rotation_result, 'base64')::text as rotation_result
    from refresh_tokens
    where organization_id = ${token.organizationId}::uuid and id = ${token.id}::uuid
      and used_at > now() - make_interval(hours => ${ttlHours}::int)
  `;
  const row = rows[0];
  if (!row?.rotationRequest || !row.rotationResult) return null;
  return { rotationRequest: row.rotationRequest, rotationResult: Buffer.from(row.rotationResult, 'base64') };
}

/** Keeps, on the token just rotated, what a repeat of the same keyed request replays (sealed). */
export async function storeRotationReplay(tx: TransactionSql, token: RefreshTokenRow, request: string, sealed: Buffer): Promise<void> {
  await tx`
    /* storeRotationReplay */
    update refresh_tokens set rotation_request = ${request}, rotation_result = decode(${sealed.toString('base64')}, 'base64')
    where organization_id = ${token.organizationId}::uuid and id = ${token.id}::uuid
  `;
}

export async function revokeTokenFamily(tx: TransactionSql, organizationId: string, familyId: string): Promise<number> {
  const rows = await tx<{ id: string }[]>`
    /* revokeTokenFamily */
    update refresh_tokens set revoked_at = now()
    where organization_id = ${organizationId}::uuid and family_id = ${familyId}::uuid and revoked_at is null
    returning id
  `;
  return rows.length;
}

export async function revokeUserTokens(tx: TransactionSql, organizationId: string, userId: string): Promise<number> {
  const rows = await tx<{ id: string }[]>`
    /* revokeUserTokens */
    update refresh_tokens set revoked_at = now()
    where organization_id = ${organizationId}::uuid and user_id = ${userId}::uuid and revoked_at is null
    returning id
  `;
  return rows.length;
}

// ---- directory and administration (health_app, inside the viewer's organization) ----

export async function usersByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): Promise<UserRow[]> {
  return tx<UserRow[]>`
    /* usersByIds */
    select id, organization_id, email, display_name, given_name, family_name, title, specialty,
           active, last_login_at, created_at, updated_at, version
    from users
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
  `;
}

function likePattern(search: string | null | undefined): string | null {
  return search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
}

/** The directory's users matching the filter: `userList` pages them by (display name, id) and counts them. */
function matchingUsers(tx: TransactionSql, organizationId: string, filter: UserFilter): PendingQuery<UserRow[]> {
  const search = likePattern(filter.search);
  return tx<UserRow[]>`
    /* matchingUsers */
    select u.id, u.organization_id, u.email, u.display_name, u.given_name, u.family_name, u.title, u.specialty,
           u.active, u.last_login_at, u.created_at, u.updated_at, u.version
    from users u
    where u.organization_id = ${organizationId}::uuid
      and (${filter.active ?? null}::boolean is null or u.active = ${filter.active ?? null}::boolean)
      and (${filter.role ?? null}::text is null or exists (
            select 1 from user_roles ur
            where ur.organization_id = u.organization_id and ur.user_id = u.id and ur.role_code = ${filter.role ?? null}::text))
      and (${search}::text is null or u.email ilike ${search}::text or u.display_name ilike ${search}::text)
  `;
}

export interface NewUser {
  organizationId: string;
  email: string;
  passwordHash: string;
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  title: string | null;
  specialty: string | null;
}

export async function insertUser(tx: TransactionSql, user: NewUser): Promise<UserRow> {
  const rows = await tx<UserRow[]>`
    /* insertUser */
    insert into users (organization_id, email, password_hash, display_name, given_name, family_name, title, specialty)
    values (${user.organizationId}::uuid, ${user.email}, ${user.passwordHash}, ${user.displayName}, ${user.givenName},
            ${user.familyName}, ${user.title}, ${user.specialty})
    returning id, organization_id, email, display_name, given_name, family_name, title, specialty,
              active, last_login_at, created_at, updated_at, version
  `;
  return rows[0]!;
}

/** Applies `changes` only if the row is still at `version`; null when it is not (or does not exist). */
export async function updateUser(
  tx: TransactionSql,
  organizationId: string,
  id: string,
  version: number,
  changes: UserChanges,
): Promise<UserRow | null> {
  const rows = await tx<UserRow[]>`
    /* updateUser */
    update users set
      display_name = coalesce(${changes.displayName ?? null}::text, display_name),
      given_name = case when ${changes.givenName !== undefined}::boolean then ${changes.givenName ?? null}::text else given_name end,
      family_name = case when ${changes.familyName !== undefined}::boolean then ${changes.familyName ?? null}::text else family_name end,
      title = case when ${changes.title !== undefined}::boolean then ${changes.title ?? null}::text else title end,
      specialty = case when ${changes.specialty !== undefined}::boolean then ${changes.specialty ?? null}::text else specialty end,
      version = version + 1
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid and version = ${version}::int
    returning id, organization_id, email, display_name, given_name, family_name, title, specialty,
              active, last_login_at, created_at, updated_at, version
  `;
  return rows[0] ?? null;
}

export async function deactivateUserRow(tx: TransactionSql, organizationId: string, id: string): Promise<UserRow | null> {
  const rows = await tx<UserRow[]>`
    /* deactivateUserRow */
    update users set active = false, version = version + 1
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid
    returning id, organization_id, email, display_name, given_name, family_name, title, specialty,
              active, last_login_at, created_at, updated_at, version
  `;
  return rows[0] ?? null;
}

export async function insertUserRoles(
  tx: TransactionSql,
  organizationId: string,
  userId: string,
  roles: readonly string[],
  grantedBy: string | null,
): Promise<string[]> {
  const rows = await tx<{ roleCode: string }[]>`
    /* insertUserRoles */
    insert into user_roles (organization_id, user_id, role_code, granted_by)
    select ${organizationId}::uuid, ${userId}::uuid, r, ${grantedBy}::uuid from unnest(${roles as string[]}::text[]) as r
    on conflict (organization_id, user_id, role_code) do nothing
    returning role_code
  `;
  return rows.map((r) => r.roleCode);
}

export async function deleteUserRole(tx: TransactionSql, organizationId: string, userId: string, role: string): Promise<boolean> {
  const rows = await tx<{ id: string }[]>`
    /* deleteUserRole */
    delete from user_roles
    where organization_id = ${organizationId}::uuid and user_id = ${userId}::uuid and role_code = ${role}
    returning id
  `;
  return rows.length > 0;
}

/** Locks the user row so concurrent role changes and version checks serialize. */
export async function lockUser(tx: TransactionSql, organizationId: string, id: string): Promise<UserRow | null> {
  const rows = await tx<UserRow[]>`
    /* lockUser */
    select id, organization_id, email, display_name, given_name, family_name, title, specialty,
           active, last_login_at, created_at, updated_at, version
    from users where organization_id = ${organizationId}::uuid and id = ${id}::uuid
    for update
  `;
  return rows[0] ?? null;
}

/** The operator's password reset: a new hash, counted as a change of the row. */
export async function replacePasswordHash(tx: TransactionSql, organizationId: string, id: string, passwordHash: string): Promise<UserRow | null> {
  const rows = await tx<UserRow[]>`
    /* replacePasswordHash */
    update users set password_hash = ${passwordHash}, password_changed_at = now(), failed_login_count = 0, version = version + 1
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid
    returning id, organization_id, email, display_name, given_name, family_name, title, specialty,
              active, last_login_at, created_at, updated_at, version
  `;
  return rows[0] ?? null;
}

/** `Query.users`: by display name. */
export const userList = keysetList('users:displayName', matchingUsers, { column: 'display_name', type: 'text', order: 'asc' }, (u) => [u.displayName, u.id]);
