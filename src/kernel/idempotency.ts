import { createHash } from 'node:crypto';
import { print, type DocumentNode } from 'graphql';
import superjson from 'superjson';
import type { TransactionSql } from './db/pool.js';
import type { TenantScope } from './db/tenant-scope.js';
import { badInput, conflict, type DomainError } from './errors.js';

/**
 * `Idempotency-Key` (IETF httpapi idempotency-key draft) for every mutation.
 *
 * A request that carries the header claims (organization, user, key) in each
 * of its write transactions and stores the write's result there before
 * commit, under the ordinal of that write within the request (mutation root
 * fields run one after another, so the n-th write of a request is the same
 * write each time the request is sent). A repeat of the same request returns
 * the stored results without running anything; a different request with the
 * same key is a CONFLICT.
 */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** What a request's session needs to make its writes idempotent. */
export interface IdempotencyDescriptor {
  key: string;
  /** SHA-256 (hex) of the request; computed at the first write, once the operation is resolved. */
  fingerprint(): string;
  ttlHours: number;
}

/** The header as the session sees it: absent, a usable key, or refused (reported by the first write). */
export type IdempotencyOption = IdempotencyDescriptor | { rejected: DomainError } | undefined;

const KEY = /^[\x20-\x7E]{1,255}$/;
/** RFC 8941 sf-string: the draft sends the key as `"…"`; bare tokens are accepted as well. */
const SF_STRING = /^"((?:[\x20\x21\x23-\x5B\x5D-\x7E]|\\["\\])*)"$/;

/** The key sent in the header, or undefined without one; a malformed value is BAD_USER_INPUT naming the header. */
export function parseIdempotencyKey(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const quoted = SF_STRING.exec(raw);
  const key = quoted ? quoted[1]!.replace(/\\(["\\])/g, '$1') : raw;
  if (!KEY.test(key)) {
    throw badInput(
      `The ${IDEMPOTENCY_HEADER} header must be 1 to 255 printable ASCII characters (a UUID is a good choice), optionally in double quotes`,
      undefined,
      { header: IDEMPOTENCY_HEADER },
    );
  }
  return key;
}

/** JSON with object keys sorted at every level, so `{a, b}` and `{b, a}` fingerprint alike. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** SHA-256 of the normalized query text (printed AST: no comments, canonical spacing), operation name and variables. */
export function requestFingerprint(document: DocumentNode, operationName: string | null, variables: Record<string, unknown> | undefined): string {
  const text = JSON.stringify([print(document), operationName, canonical(variables ?? {})]);
  return createHash('sha256').update(text).digest('hex');
}

const keyReused = (key: string, ttlHours: number) =>
  conflict(
    `${IDEMPOTENCY_HEADER} "${key}" was already used by you for a different request (another query text, operation name or variables) in the last ${ttlHours} hours. ` +
      'Send a new key for a new request; repeat the original request unchanged to get its stored result.',
    { header: IDEMPOTENCY_HEADER },
  );

export type Claim = { replay: true; value: unknown } | { replay: false };

/**
 * Claims the key for write number `slot` of this request, inside the write's
 * transaction and before anything else it does. A first claim inserts the row
 * (a concurrent duplicate blocks on the primary key until this transaction
 * commits or rolls back); an expired row is taken over as if absent. Either
 * way the row stays locked until commit, so write `slot` under one key runs
 * exactly once however many duplicates arrive together. A live row of the
 * same request returns its stored result for `slot` when there is one (when
 * there is none, that write failed or has not run yet: it runs now, under the
 * lock); a live row of a different request is a CONFLICT.
 */
export async function claimIdempotencyKey(tx: TransactionSql, scope: TenantScope & { userId: string }, key: IdempotencyDescriptor, slot: number): Promise<Claim> {
  const fingerprint = key.fingerprint();
  const claimed = await tx<{ requestId: string }[]>`
    /* claimIdempotencyKey */
    insert into idempotency_keys as k (organization_id, user_id, key, request_fingerprint, request_id, expires_at)
    values (${scope.organizationId}::uuid, ${scope.userId}::uuid, ${key.key}, ${fingerprint}, ${scope.requestId},
            now() + make_interval(hours => ${key.ttlHours}::int))
    on conflict (organization_id, user_id, key) do update
      set request_fingerprint = excluded.request_fingerprint, request_id = excluded.request_id, results = '{}'::jsonb,
          created_at = excluded.created_at, expires_at = excluded.expires_at
      where k.expires_at <= now()
    returning request_id
  `;
  if (claimed.length > 0) {
    await purgeExpiredKeys(tx, scope.organizationId);
    return { replay: false };
  }
  // The row is live and (by the statement above) locked by this transaction.
  const [row] = await tx<{ requestFingerprint: string; result: string | null }[]>`
    /* idempotencyKeyResult */
    select request_fingerprint, (results -> ${String(slot)}::text)::text as result
    from idempotency_keys
    where organization_id = ${scope.organizationId}::uuid and user_id = ${scope.userId}::uuid and key = ${key.key}
  `;
  if (!row || row.requestFingerprint !== fingerprint) throw keyReused(key.key, key.ttlHours);
  if (row.result === null) return { replay: false };
  return { replay: true, value: superjson.parse(row.result) };
}

/** Stores write number `slot`'s result under the key claimed by `claimIdempotencyKey` (same transaction). */
export async function storeIdempotentResult(tx: TransactionSql, scope: TenantScope & { userId: string }, key: IdempotencyDescriptor, slot: number, value: unknown): Promise<void> {
  await tx`
    /* storeIdempotentResult */
    update idempotency_keys
    set results = results || jsonb_build_object(${String(slot)}::text, ${superjson.stringify(value)}::text::jsonb)
    where organization_id = ${scope.organizationId}::uuid and user_id = ${scope.userId}::uuid and key = ${key.key}
  `.execute(); // on the wire now, ahead of a COMMIT issued before this settles (TenantSession.write)
}

/**
 * Deletes up to 100 expired keys of the organization, skipping rows another
 * transaction holds (so no mutation ever waits on the clean-up). Runs when a
 * new key is claimed: in the tenant's own transaction under row-level
 * security, with no timer and no cross-tenant connection.
 */
async function purgeExpiredKeys(tx: TransactionSql, organizationId: string): Promise<void> {
  await tx`
    /* purgeExpiredIdempotencyKeys */
    delete from idempotency_keys
    where (organization_id, user_id, key) in (
      select organization_id, user_id, key from idempotency_keys
      where organization_id = ${organizationId}::uuid and expires_at <= now()
      order by expires_at
      limit 100
      for update skip locked
    )
  `;
}
