import * as organizations from './organization-repository.js';
import { hash, verify } from '@node-rs/argon2';
import { randomUUID } from 'node:crypto';
import type { RequestContext, TenantContext } from '../context.js';
import type { AppDeps } from '../deps.js';
import { writeAudit } from '../kernel/audit.js';
import { isRole, type Role } from '../kernel/auth/permissions.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { beginWithin } from '../kernel/db/begin-within.js';
import type { TenantSession, UnitOfWork } from '../kernel/db/tenant-session.js';
import { enterAuthScope, type TenantScope } from '../kernel/db/tenant-scope.js';
import { badInput, conflict, notFound, unauthenticated } from '../kernel/errors.js';
import { email as validEmail, optionalText, requiredText } from '../kernel/validation.js';
import { replayRotation, storeRotation } from './refresh-replay.js';
import * as repo from './repository.js';
import type { SessionTokens } from './session-tokens.js';
import { hashRefreshToken, newRefreshToken, REFRESH_TOKEN_TTL_SECONDS } from './tokens.js';
import { atVersion } from '../kernel/concurrency.js';
import { releaseTasksOfDeactivatedUser } from '../workflows/task-service.js';

const MIN_PASSWORD_LENGTH = 12;
/** Argon2id (the library's `Algorithm.Argon2id`; a const enum that isolated modules cannot import). */
const ARGON2ID = { algorithm: 2 } as const;
const SIGN_IN_FAILED = 'Sign-in failed: check the email and password. Repeated failures make further attempts wait.';
const SESSION_INVALID = 'The refresh token is invalid, expired or revoked; sign in again';

/** Verifying against this when the email is unknown keeps the response time the same. */
const UNKNOWN_ACCOUNT_HASH = await hash('no-such-account-password', ARGON2ID);

/** A transaction as the narrow sign-in role; audit rows go to the account's organization. */
function inAuthTransaction<T>(ctx: RequestContext, fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  const { db, limits } = ctx.deps;
  return beginWithin(
    db,
    limits.acquireTimeoutMs,
    async (tx, probe) => {
      await enterAuthScope(tx, ctx.requestId, limits.queryTimeoutMs, probe);
      return fn(tx);
    },
    'auth',
    limits.commitConfirmTimeoutMs,
  );
}

function authScope(ctx: RequestContext, organizationId: string, userId: string | null): TenantScope {
  return { organizationId, userId, requestId: ctx.requestId };
}

/** Issues an access token and a new refresh token of `familyId` (inside the caller's transaction). */
async function openSession(ctx: RequestContext, tx: TransactionSql, account: repo.LoginAccount, familyId: string) {
  const refresh = newRefreshToken();
  const refreshTokenExpiresAt = new Date(Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000);
  const refreshId = await repo.insertRefreshToken(tx, {
    organizationId: account.organizationId,
    userId: account.id,
    familyId,
    tokenHash: refresh.hash,
    expiresAt: refreshTokenExpiresAt,
    userAgent: ctx.client.userAgent?.slice(0, 1000) ?? null,
    ip: ctx.client.ip,
  });
  const roles = (await repo.rolesByUserIds(tx, [account.id])).map((r) => r.roleCode);
  const [user] = await repo.usersByIds(tx, account.organizationId, [account.id]);
  const [organization] = await organizations.organizationsByIds(tx, [account.organizationId]);
  const access = await ctx.deps.tokens.issueAccessToken({
    userId: account.id,
    organizationId: account.organizationId,
    roles: roles.filter(isRole),
  });
  return {
    refreshId,
    tokens: {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt,
      user: { ...user!, roles },
      organization: organization!,
    } satisfies SessionTokens,
  };
}

export async function login(ctx: RequestContext, input: { email: string; password: string }): Promise<SessionTokens> {
  const email = input.email.trim().toLowerCase();
  const throttle = ctx.deps.loginThrottle;
  // An attempt that must still wait is refused before its password is checked (src/identity/login-throttle.ts).
  await throttle.check(ctx.client.ip, email);
  const account = await inAuthTransaction(ctx, (tx) => repo.loginAccountByEmail(tx, email));
  const passwordOk = await verify(account?.passwordHash ?? UNKNOWN_ACCOUNT_HASH, input.password).catch(() => false);
  if (!account) {
    await throttle.failed(ctx.client.ip, email);
    ctx.deps.logger.warn({ requestId: ctx.requestId, event: 'auth.login.failure' }, 'sign-in failed for an unknown account');
    throw unauthenticated(SIGN_IN_FAILED);
  }
  const failure = !account.active ? 'inactive' : !passwordOk ? 'bad_password' : null;
  if (failure) {
    if (!passwordOk) await throttle.failed(ctx.client.ip, email);
    await inAuthTransaction(ctx, async (tx) => {
      if (failure === 'bad_password') await repo.recordLoginFailure(tx, account);
      await writeAudit(tx, authScope(ctx, account.organizationId, account.id), [
        { action: 'auth.login.failure', entityType: 'user', entityId: account.id, after: { reason: failure, ip: ctx.client.ip } },
      ]);
    });
    throw unauthenticated(SIGN_IN_FAILED);
  }
  const tokens = await inAuthTransaction(ctx, async (tx) => {
    await repo.recordLoginSuccess(tx, account);
    const { tokens } = await openSession(ctx, tx, account, randomUUID());
    await writeAudit(tx, authScope(ctx, account.organizationId, account.id), [
      { action: 'auth.login.success', entityType: 'user', entityId: account.id, after: { ip: ctx.client.ip } },
    ]);
    return tokens;
  });
  await throttle.succeeded(ctx.client.ip, email);
  return tokens;
}

export async function refreshSession(ctx: RequestContext, refreshToken: string): Promise<SessionTokens> {
  const outcome = await inAuthTransaction(ctx, async (tx) => {
    const token = await repo.refreshTokenForUpdate(tx, hashRefreshToken(refreshToken));
    if (!token || token.revokedAt) return null;
    if (token.usedAt) {
      // The same request again with the same Idempotency-Key: the client lost the answer.
      const replay = await replayRotation(ctx, tx, token);
      if (replay) return replay;
      // A rotated token came back: someone holds a copy. Revoke the whole family.
      await repo.revokeTokenFamily(tx, token.organizationId, token.familyId);
      await writeAudit(tx, authScope(ctx, token.organizationId, token.userId), [
        { action: 'auth.refresh.reuse', entityType: 'refresh_token_family', entityId: token.familyId, after: { ip: ctx.client.ip } },
      ]);
      return null;
    }
    if (token.expiresAt.getTime() <= Date.now()) return null;
    const account = await repo.loginAccountById(tx, token.organizationId, token.userId);
    if (!account?.active) {
      await repo.revokeTokenFamily(tx, token.organizationId, token.familyId);
      return null;
    }
    const { refreshId, tokens } = await openSession(ctx, tx, account, token.familyId);
    await repo.markRefreshTokenUsed(tx, token, refreshId);
    await writeAudit(tx, authScope(ctx, token.organizationId, token.userId), [
      { action: 'auth.refresh', entityType: 'refresh_token_family', entityId: token.familyId, after: { ip: ctx.client.ip } },
    ]);
    await storeRotation(ctx, tx, token, tokens);
    return tokens;
  });
  if (!outcome) throw unauthenticated(SESSION_INVALID);
  return outcome;
}

export async function logout(ctx: RequestContext, refreshToken: string): Promise<boolean> {
  return inAuthTransaction(ctx, async (tx) => {
    const token = await repo.refreshTokenForUpdate(tx, hashRefreshToken(refreshToken));
    if (!token || token.revokedAt) return false;
    await repo.revokeTokenFamily(tx, token.organizationId, token.familyId);
    await writeAudit(tx, authScope(ctx, token.organizationId, token.userId), [
      { action: 'auth.logout', entityType: 'refresh_token_family', entityId: token.familyId },
    ]);
    return true;
  });
}

// ---- administration: every change runs in one transaction with its audit row ----

export interface CreateUserInput {
  email: string;
  password: string;
  displayName: string;
  givenName?: string | null;
  familyName?: string | null;
  title?: string | null;
  specialty?: string | null;
  roles: readonly Role[];
}

/** The audited view of a user: never the password hash. */
const auditView = (u: repo.UserRow, roles?: readonly string[]) => ({
  email: u.email,
  displayName: u.displayName,
  givenName: u.givenName,
  familyName: u.familyName,
  title: u.title,
  specialty: u.specialty,
  active: u.active,
  version: u.version,
  ...(roles ? { roles } : {}),
});

/**
 * Who administers accounts: a signed-in ORG_ADMIN (the API passes its TenantContext) or the
 * operator's admin CLI (src/identity/operator.ts: no viewer, a session as the database owner).
 */
export interface AdministrationContext {
  session: TenantSession;
  /** The acting user, for "not your own account" rules; null for the admin CLI. */
  viewer: { userId: string } | null;
  deps: Pick<AppDeps, 'viewerCache'>;
}

/** A new account, validated and its password hashed (before any transaction opens). */
export interface PreparedUser {
  email: string;
  passwordHash: string;
  fields: Omit<repo.NewUser, 'organizationId' | 'email' | 'passwordHash'>;
  roles: readonly Role[];
}

function validPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > 256) {
    throw badInput(`password must be ${MIN_PASSWORD_LENGTH} to 256 characters`, 'password');
  }
  return password;
}

export async function prepareUser(input: CreateUserInput): Promise<PreparedUser> {
  const email = validEmail(requiredText(input.email, 'email', 254))!;
  validPassword(input.password);
  if (input.roles.length === 0) throw badInput('roles must name at least one role', 'roles');
  const unknown = input.roles.find((role) => !isRole(role));
  if (unknown !== undefined) throw badInput(`unknown role "${unknown}"`, 'roles');
  const fields = {
    displayName: requiredText(input.displayName, 'displayName', 200),
    givenName: optionalText(input.givenName, 'givenName', 100) ?? null,
    familyName: optionalText(input.familyName, 'familyName', 100) ?? null,
    title: optionalText(input.title, 'title', 50) ?? null,
    specialty: optionalText(input.specialty, 'specialty', 200) ?? null,
  };
  return { email, passwordHash: await hash(input.password, ARGON2ID), fields, roles: input.roles };
}

/** Inserts the account and its roles inside `work`'s transaction, with its audit row. */
export async function insertPreparedUser({ tx, scope, audit }: UnitOfWork, user: PreparedUser): Promise<repo.UserRow> {
  const row = await repo
    .insertUser(tx, { organizationId: scope.organizationId, email: user.email, passwordHash: user.passwordHash, ...user.fields })
    .catch((error: unknown) => {
      if ((error as { constraint_name?: string }).constraint_name === 'users_email_unique') {
        throw conflict('A user with this email already exists', { field: 'email' });
      }
      throw error;
    });
  const roles = await repo.insertUserRoles(tx, scope.organizationId, row.id, user.roles, scope.userId);
  audit({ action: 'user.create', entityType: 'user', entityId: row.id, after: auditView(row, roles) });
  return row;
}

export async function createUser(ctx: Pick<AdministrationContext, 'session'>, input: CreateUserInput): Promise<repo.UserRow> {
  const user = await prepareUser(input);
  return ctx.session.write((work) => insertPreparedUser(work, user));
}

export async function updateUser(
  ctx: TenantContext,
  id: string,
  version: number,
  changes: repo.UserChanges,
): Promise<repo.UserRow> {
  const clean: repo.UserChanges = {
    displayName: optionalText(changes.displayName, 'displayName', 200),
    givenName: optionalText(changes.givenName, 'givenName', 100),
    familyName: optionalText(changes.familyName, 'familyName', 100),
    title: optionalText(changes.title, 'title', 50),
    specialty: optionalText(changes.specialty, 'specialty', 200),
  };
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = atVersion(await repo.lockUser(tx, scope.organizationId, id), version, 'User', id);
    const after = await repo.updateUser(tx, scope.organizationId, id, version, clean);
    audit({ action: 'user.update', entityType: 'user', entityId: id, before: auditView(before), after: auditView(after!) });
    return after!;
  });
}

export async function deactivateUser(ctx: AdministrationContext, id: string): Promise<repo.UserRow> {
  if (id === ctx.viewer?.userId) throw badInput('You cannot deactivate your own account', 'id');
  const user = await ctx.session.write(async ({ tx, scope, audit }) => {
    const before = await repo.lockUser(tx, scope.organizationId, id);
    if (!before) throw notFound('User', id);
    const after = await repo.deactivateUserRow(tx, scope.organizationId, id);
    const revoked = await repo.revokeUserTokens(tx, scope.organizationId, id);
    // Their open workflow tasks go back to a queue in the same transaction: none waits on them for ever.
    const releasedTasks = await releaseTasksOfDeactivatedUser({ tx, scope, audit }, id);
    audit({
      action: 'user.deactivate',
      entityType: 'user',
      entityId: id,
      before: auditView(before),
      after: { ...auditView(after!), revokedSessions: revoked, releasedTasks },
    });
    return after!;
  });
  ctx.deps.viewerCache.forget(id);
  return user;
}

export async function changeRole(ctx: TenantContext, userId: string, role: Role, grant: boolean): Promise<repo.UserRow> {
  if (!grant && userId === ctx.viewer.userId && role === 'ORG_ADMIN') {
    throw badInput('You cannot revoke your own ORG_ADMIN role', 'role');
  }
  const user = await ctx.session.write(async ({ tx, scope, audit }) => {
    const user = await repo.lockUser(tx, scope.organizationId, userId);
    if (!user) throw notFound('User', userId);
    const changed = grant
      ? (await repo.insertUserRoles(tx, scope.organizationId, userId, [role], scope.userId)).length > 0
      : await repo.deleteUserRole(tx, scope.organizationId, userId, role);
    if (changed) {
      audit({
        action: grant ? 'user.role.assign' : 'user.role.revoke',
        entityType: 'user',
        entityId: userId,
        after: { role },
      });
    }
    return user;
  });
  ctx.deps.viewerCache.forget(userId);
  return user;
}

/**
 * Sets a new password (the operator's reset: the admin CLI) and revokes every refresh token of
 * the account, so sessions opened with the old password end at their access token's expiry.
 */
export async function resetPassword(ctx: AdministrationContext, id: string, password: string): Promise<repo.UserRow> {
  const passwordHash = await hash(validPassword(password), ARGON2ID);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = await repo.lockUser(tx, scope.organizationId, id);
    if (!before) throw notFound('User', id);
    const after = await repo.replacePasswordHash(tx, scope.organizationId, id, passwordHash);
    const revoked = await repo.revokeUserTokens(tx, scope.organizationId, id);
    audit({ action: 'user.password.reset', entityType: 'user', entityId: id, after: { revokedSessions: revoked } });
    return after!;
  });
}
