import type { ChildCount } from './keyset.js';
import DataLoader from 'dataloader';
import type { TransactionSql } from './db/pool.js';
import { withExactCounts, type Counted } from './counting.js';
import { toConnection, type Connection, type CursorKey, type PageRequest } from './pagination.js';

/** Decides when a batch is sent; the request's session supplies one (see `TenantSession.whenIdle`). */
export type BatchSchedule = (dispatch: () => void) => void;

/**
 * How a request's loaders batch: when a batch is sent (`schedule`; DataLoader's
 * default tick when absent) and who observes each batch's size (metrics: each
 * batch is one repository call, so this is also the statement fan-in).
 */
export interface Batching {
  schedule?: BatchSchedule;
  onBatch(size: number): void;
  /** Runs each batch inside a span of its own when the request is traced (src/operability/tracing.ts). */
  trace?: BatchTrace;
}

/** Runs one batch (`name`: the repository function it calls) of `size` keys. */
export type BatchTrace = <T>(name: string, size: number, run: () => Promise<T>) => Promise<T>;

/** What a domain's loaders need: the organization, the request's read transaction and its batching. */
export interface LoaderScope {
  organizationId: string;
  read<T>(fn: (tx: TransactionSql) => Promise<T>): Promise<T>;
  /** Records that this request read these patients' data (PHI access log). */
  notePatientAccess(patientIds: Iterable<string>): void;
  batching: Batching;
}

/**
 * A DataLoader whose batch function is "fetch rows, then assemble one value per
 * key". Keeping the assembly separate lets a look-ahead prefetch that already
 * holds the rows (see src/patients/patient-prefetch.ts) prime the loader with
 * exactly what its batch would have returned.
 */
export class RowLoader<K, V, R> extends DataLoader<K, V, unknown> {
  constructor(
    { schedule, onBatch, trace }: Batching,
    fetch: (keys: readonly K[]) => Promise<readonly R[]>,
    private readonly assemble: (keys: readonly K[], rows: readonly R[]) => V[],
    options: DataLoader.Options<K, V, unknown>,
  ) {
    super(
      async (keys) => {
        onBatch(keys.length);
        const rows = trace ? await trace(fetch.name || 'load', keys.length, () => fetch(keys)) : await fetch(keys);
        return assemble(keys, rows);
      },
      { maxBatchSize: 1000, ...options, ...(schedule ? { batchScheduleFn: schedule } : {}) },
    );
  }

  /** Primes each key with what a batch returning `rows` for `keys` would give it (keys already cached keep their value). */
  primeRows(keys: readonly K[], rows: readonly R[]): this {
    const values = this.assemble(keys, rows);
    keys.forEach((key, i) => this.prime(key, values[i]!));
    return this;
  }
}

/**
 * A repository's batch read, as every `…ByIds` / `…ByPatientIds` function is
 * shaped: the request's transaction, its organization, the keys. The factories
 * below run it in the request's read transaction, so a domain's loader names
 * the repository function and nothing else.
 */
export type BatchRead<V> = (tx: TransactionSql, organizationId: string, keys: readonly string[]) => Promise<readonly V[]>;

function inScope<V>(scope: LoaderScope, read: BatchRead<V>): (keys: readonly string[]) => Promise<readonly V[]> {
  const fetch = (keys: readonly string[]) => scope.read((tx) => read(tx, scope.organizationId, keys));
  // Named after the repository function, which names the batch's trace span.
  return Object.defineProperty(fetch, 'name', { value: read.name });
}

/** Rows grouped by the key `parentOf` gives, in the order the SQL gave them. */
function groupRows<V>(rows: readonly V[], parentOf: (row: V) => string): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const row of rows) {
    const k = parentOf(row);
    const group = groups.get(k);
    if (group) group.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}

/**
 * A loader for one-to-one lookups: the batch function is one repository call
 * for all keys; results come back in key order, `null` where nothing matched.
 */
export function createLoader<V>(
  scope: LoaderScope,
  read: BatchRead<V>,
  keyOf: (row: V) => string,
): RowLoader<string, V | null, V> {
  return new RowLoader<string, V | null, V>(
    scope.batching,
    inScope(scope, read),
    (keys, rows) => {
      const byKey = new Map<string, V>();
      for (const row of rows) byKey.set(keyOf(row), row);
      return keys.map((k) => byKey.get(k) ?? null);
    },
    {},
  );
}

/** A one-to-one loader of rows by their own id (every `…ById` loader). */
export function createByIdLoader<V extends { id: string }>(scope: LoaderScope, read: BatchRead<V>): RowLoader<string, V | null, V> {
  return createLoader(scope, read, idOf);
}

const idOf = (row: { id: string }) => row.id;

/** A child list's size per parent (`Patient.encounters { totalCount }`), from a `countsOfChildren` read; null: none. */
export function createCountLoader(scope: LoaderScope, read: BatchRead<ChildCount>): RowLoader<string, ChildCount | null, ChildCount> {
  return createLoader(scope, read, parentIdOf);
}

const parentIdOf = (row: ChildCount) => row.parentId;

/**
 * A loader for one-to-many relations: one repository call returns the rows of
 * every parent key; each key receives its rows in the order the SQL gave them.
 */
export function createGroupLoader<V>(
  scope: LoaderScope,
  read: BatchRead<V>,
  parentOf: (row: V) => string,
): RowLoader<string, V[], V> {
  return new RowLoader<string, V[], V>(
    scope.batching,
    inScope(scope, read),
    (keys, rows) => {
      const groups = groupRows(rows, parentOf);
      return keys.map((k) => groups.get(k) ?? []);
    },
    {},
  );
}

/** One group loader per row limit (nested lists capped by `first`): `read` takes the limit after the keys. */
export function limitedGroupLoaders<V>(
  scope: LoaderScope,
  read: (tx: TransactionSql, organizationId: string, keys: readonly string[], limit: number) => Promise<readonly V[]>,
  parentOf: (row: V) => string,
): LoaderFamily<number, RowLoader<string, V[], V>> {
  return loaderFamily((limit: number) => createGroupLoader(scope, (tx, org, ids) => read(tx, org, ids, limit), parentOf));
}

/**
 * Loaders that also depend on field arguments (`encounters(first: 5)`): one
 * DataLoader per distinct argument set, so every parent asking with the same
 * arguments shares one batch.
 */
export function loaderFamily<A, L>(build: (args: A) => L): LoaderFamily<A, L> {
  const byArgs = new Map<string, L>();
  const family = (args: A) => {
    const key = JSON.stringify(args);
    let loader = byArgs.get(key);
    if (!loader) {
      loader = build(args);
      byArgs.set(key, loader);
    }
    return loader;
  };
  return Object.assign(family, { members: () => byArgs.values() });
}

/** A loader per argument set; `members` lists those built so far (to refresh them after a write). */
export type LoaderFamily<A, L> = ((args: A) => L) & { members(): Iterable<L> };

type AnyLoader = DataLoader<string, unknown, unknown>;

/**
 * Writes refresh what the request has read. A request's DataLoaders cache
 * every row they returned, so without this a field resolved after a mutation
 * (a later mutation of the same document, or a nested field of its payload)
 * would answer with the row as it was before the write. Each domain's loaders
 * module offers an "after write" function built from these two helpers and
 * every service calls it with the rows its write returned (see `afterWrite`):
 *
 * - `primeFresh`: by-id loaders get the written rows (replacing what was cached);
 * - `forgetKeys`: relation loaders (lists, counts, sums under a parent) drop
 *   what they cached for the parents whose children changed, so the next use
 *   reads again, in the request's read transaction, after the write committed.
 */
export function primeFresh<R>(loader: DataLoader<string, R | null, unknown>, rows: Iterable<R>, keyOf: (row: R) => string): void {
  for (const row of rows) loader.clear(keyOf(row)).prime(keyOf(row), row);
}

/** Drops what these loaders (one, or every member of a family) cached for `keys`. */
export function forgetKeys(loaders: AnyLoader | LoaderFamily<never, AnyLoader>, keys: Iterable<string | null | undefined>): void {
  const list = loaders instanceof DataLoader ? [loaders] : [...loaders.members()];
  for (const key of keys) {
    if (key === null || key === undefined) continue;
    for (const loader of list) loader.clear(key);
  }
}

/**
 * Runs a write, then hands its result to `refresh` (a domain's after-write
 * function) before anything else of the request reads: mutations of one
 * document run one after another, so every later field sees this write.
 */
export async function afterWrite<T>(write: Promise<T>, refresh: (result: T) => void): Promise<T> {
  const result = await write;
  refresh(result);
  return result;
}

/**
 * A nested connection (`Patient.encounters(first: 5)`) for many parents in one
 * statement: `read` returns up to `limit + 1` rows per parent (a LATERAL
 * query), grouped here into one Connection per parent.
 */
export function createConnectionLoader<V>(
  scope: LoaderScope,
  read: BatchRead<V>,
  parentOf: (row: V) => string,
  page: PageRequest,
  keyOf: (row: V) => CursorKey,
): RowLoader<string, Connection<V>, V> {
  return new RowLoader<string, Connection<V>, V>(
    scope.batching,
    inScope(scope, read),
    (ids, rows) => {
      const groups = groupRows(rows, parentOf);
      return ids.map((id) => toConnection(groups.get(id) ?? [], page, keyOf));
    },
    {},
  );
}

/** A repository read of one page per parent, of the rows in some statuses (`invoicePagesByPatientIds`, …). */
export type StatusPagesRead<V> = (
  tx: TransactionSql,
  organizationId: string,
  parentIds: readonly string[],
  statuses: string[] | null,
  page: PageRequest,
) => Promise<readonly V[]>;

/** A status-filtered nested connection (`Patient.invoices(status:, first:)`): a connection loader per page and statuses. */
export function createStatusPagesLoader<V>(
  scope: LoaderScope,
  read: StatusPagesRead<V>,
  parentOf: (row: V) => string,
  keyOf: (row: V) => CursorKey,
): LoaderFamily<{ page: PageRequest; statuses: string[] | null }, RowLoader<string, Connection<V>, V>> {
  return loaderFamily((args: { page: PageRequest; statuses: string[] | null }) => {
    const pages: BatchRead<V> = (tx, org, ids) => read(tx, org, ids, args.statuses, args.page);
    // Named after the repository function, which names the batch's trace span.
    return createConnectionLoader(scope, Object.defineProperty(pages, 'name', { value: read.name }), parentOf, args.page, keyOf);
  });
}

const patientIds = (rows: readonly { patientId: string }[]) => rows.map((r) => r.patientId);

/** `read`, recording the patients its rows belong to as read by this request (the PHI access log). */
export function notingAccess<V>(scope: LoaderScope, read: BatchRead<V>, patientsOf: (rows: readonly V[]) => Iterable<string>): BatchRead<V> {
  const noting: BatchRead<V> = async (tx, org, keys) => {
    const rows = await read(tx, org, keys);
    scope.notePatientAccess(patientsOf(rows));
    return rows;
  };
  return Object.defineProperty(noting, 'name', { value: read.name });
}

/**
 * A by-id loader for records that belong to a patient: returning them records
 * PHI access for those patients (the request's access log).
 */
export function createPatientRecordLoader<R extends { id: string; patientId: string }>(
  scope: LoaderScope,
  read: BatchRead<R>,
): RowLoader<string, R | null, R> {
  return createByIdLoader(scope, notingAccess(scope, read, patientIds));
}

/**
 * One parent's nested connection, its `totalCount` (and `totalCountEstimate`, exact: it grows with
 * the parent, not the organization) counted only if the client selects one (then one more batched
 * loader call for the whole level).
 */
export function connectionWithCount<V>(
  page: Promise<Connection<V>>,
  count: () => Promise<{ count: number } | null>,
): Promise<Counted<Connection<V>>> {
  return page.then((c) => withExactCounts(c, () => count().then((r) => r?.count ?? 0)));
}
