import DataLoader from 'dataloader';
import type { TransactionSql } from './db/pool.js';
import { toConnection, withTotalCount, type Connection, type CursorKey, type PageRequest } from './pagination.js';

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
}

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
    { schedule, onBatch }: Batching,
    fetch: (keys: readonly K[]) => Promise<readonly R[]>,
    private readonly assemble: (keys: readonly K[], rows: readonly R[]) => V[],
    options: DataLoader.Options<K, V, unknown>,
  ) {
    super(
      async (keys) => {
        onBatch(keys.length);
        return assemble(keys, await fetch(keys));
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

/** Rows grouped by the key `parentOf` gives, in the order the SQL gave them. */
function groupRows<K, V>(rows: readonly V[], parentOf: (row: V) => K, cacheKey: (key: K) => unknown): Map<unknown, V[]> {
  const groups = new Map<unknown, V[]>();
  for (const row of rows) {
    const k = cacheKey(parentOf(row));
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
export function createLoader<K, V>(
  scope: Pick<LoaderScope, 'batching'>,
  fetch: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (row: V) => K,
  cacheKey: (key: K) => unknown = (k) => k,
): RowLoader<K, V | null, V> {
  return new RowLoader<K, V | null, V>(
    scope.batching,
    fetch,
    (keys, rows) => {
      const byKey = new Map<unknown, V>();
      for (const row of rows) byKey.set(cacheKey(keyOf(row)), row);
      return keys.map((k) => byKey.get(cacheKey(k)) ?? null);
    },
    { cacheKeyFn: cacheKey },
  );
}

/**
 * A loader for one-to-many relations: one repository call returns the rows of
 * every parent key; each key receives its rows in the order the SQL gave them.
 */
export function createGroupLoader<K, V>(
  scope: Pick<LoaderScope, 'batching'>,
  fetch: (keys: readonly K[]) => Promise<readonly V[]>,
  parentOf: (row: V) => K,
  cacheKey: (key: K) => unknown = (k) => k,
): RowLoader<K, V[], V> {
  return new RowLoader<K, V[], V>(
    scope.batching,
    fetch,
    (keys, rows) => {
      const groups = groupRows(rows, parentOf, cacheKey);
      return keys.map((k) => groups.get(cacheKey(k)) ?? []);
    },
    { cacheKeyFn: cacheKey },
  );
}

/**
 * Loaders that also depend on field arguments (`encounters(first: 5)`): one
 * DataLoader per distinct argument set, so every parent asking with the same
 * arguments shares one batch.
 */
export function loaderFamily<A, L>(build: (args: A) => L): (args: A) => L {
  const byArgs = new Map<string, L>();
  return (args: A) => {
    const key = JSON.stringify(args);
    let loader = byArgs.get(key);
    if (!loader) {
      loader = build(args);
      byArgs.set(key, loader);
    }
    return loader;
  };
}

/**
 * A nested connection (`Patient.encounters(first: 5)`) for many parents in one
 * statement: `fetch` returns up to `limit + 1` rows per parent (a LATERAL
 * query), grouped here into one Connection per parent.
 */
export function createConnectionLoader<V>(
  scope: Pick<LoaderScope, 'batching'>,
  fetch: (parentIds: readonly string[]) => Promise<readonly V[]>,
  parentOf: (row: V) => string,
  page: PageRequest,
  keyOf: (row: V) => CursorKey,
): RowLoader<string, Connection<V>, V> {
  return new RowLoader<string, Connection<V>, V>(
    scope.batching,
    fetch,
    (ids, rows) => {
      const groups = groupRows(rows, parentOf, (k) => k);
      return ids.map((id) => toConnection(groups.get(id) ?? [], page, keyOf));
    },
    {},
  );
}

/**
 * A by-id loader for records that belong to a patient: returning them records
 * PHI access for those patients (the request's access log).
 */
export function createPatientRecordLoader<R extends { id: string; patientId: string }>(
  scope: LoaderScope,
  fetch: (ids: readonly string[]) => Promise<readonly R[]>,
): RowLoader<string, R | null, R> {
  return createLoader(
    scope,
    async (ids: readonly string[]) => {
      const rows = await fetch(ids);
      scope.notePatientAccess(rows.map((r) => r.patientId));
      return rows;
    },
    (r) => r.id,
  );
}

/**
 * One parent's nested connection, its `totalCount` counted only if the client
 * selects it (then one more batched loader call for the whole level).
 */
export function connectionWithCount<V>(
  page: Promise<Connection<V>>,
  count: () => Promise<{ count: number } | null>,
): Promise<Connection<V> & { readonly totalCount: Promise<number> }> {
  return page.then((c) => withTotalCount(c, () => count().then((r) => r?.count ?? 0)));
}
