import DataLoader from 'dataloader';
import type { TransactionSql } from './db/pool.js';
import { toConnection, type Connection, type CursorKey, type PageRequest } from './pagination.js';

/**
 * Process-wide observer of batch sizes (the metrics module sets it once at
 * start). Each batch is one repository call, so this is also the statement fan-in.
 */
export const loaderInstrumentation: { onBatch: (size: number) => void } = { onBatch: () => {} };

/** Decides when a batch is sent; the request's session supplies one (see `TenantSession.whenIdle`). */
export type BatchSchedule = (dispatch: () => void) => void;

/**
 * The batch schedule of the request whose loaders are being built. `createLoaders`
 * sets it while the (synchronous) domain factories run, and `loaderFamily`
 * restores it when it builds a loader later, so every loader of a request shares
 * its request's schedule without each factory having to pass it along.
 */
let buildingSchedule: BatchSchedule | undefined;

export function withBatchSchedule<T>(schedule: BatchSchedule | undefined, build: () => T): T {
  const previous = buildingSchedule;
  buildingSchedule = schedule;
  try {
    return build();
  } finally {
    buildingSchedule = previous;
  }
}

const batchOptions = () => (buildingSchedule ? { batchScheduleFn: buildingSchedule } : {});

/**
 * A loader for one-to-one lookups: the batch function is one repository call
 * for all keys; results come back in key order, `null` where nothing matched.
 */
export function createLoader<K, V>(
  fetch: (keys: readonly K[]) => Promise<readonly V[]>,
  keyOf: (row: V) => K,
  cacheKey: (key: K) => unknown = (k) => k,
): DataLoader<K, V | null, unknown> {
  return new DataLoader<K, V | null, unknown>(
    async (keys) => {
      loaderInstrumentation.onBatch(keys.length);
      const rows = await fetch(keys);
      const byKey = new Map<unknown, V>();
      for (const row of rows) byKey.set(cacheKey(keyOf(row)), row);
      return keys.map((k) => byKey.get(cacheKey(k)) ?? null);
    },
    { cacheKeyFn: cacheKey, maxBatchSize: 1000, ...batchOptions() },
  );
}

/**
 * A loader for one-to-many relations: one repository call returns the rows of
 * every parent key; each key receives its rows in the order the SQL gave them.
 */
export function createGroupLoader<K, V>(
  fetch: (keys: readonly K[]) => Promise<readonly V[]>,
  parentOf: (row: V) => K,
  cacheKey: (key: K) => unknown = (k) => k,
): DataLoader<K, V[], unknown> {
  return new DataLoader<K, V[], unknown>(
    async (keys) => {
      loaderInstrumentation.onBatch(keys.length);
      const rows = await fetch(keys);
      const groups = new Map<unknown, V[]>();
      for (const row of rows) {
        const k = cacheKey(parentOf(row));
        const group = groups.get(k);
        if (group) group.push(row);
        else groups.set(k, [row]);
      }
      return keys.map((k) => groups.get(cacheKey(k)) ?? []);
    },
    { cacheKeyFn: cacheKey, maxBatchSize: 1000, ...batchOptions() },
  );
}

/** What a domain's loaders need: the organization and the request's read transaction. */
export interface LoaderScope {
  organizationId: string;
  read<T>(fn: (tx: TransactionSql) => Promise<T>): Promise<T>;
  /** Records that this request read these patients' data (PHI access log). */
  notePatientAccess(patientIds: Iterable<string>): void;
}

/**
 * Loaders that also depend on field arguments (`encounters(first: 5)`): one
 * DataLoader per distinct argument set, so every parent asking with the same
 * arguments shares one batch.
 */
export function loaderFamily<A, L>(build: (args: A) => L): (args: A) => L {
  const byArgs = new Map<string, L>();
  const schedule = buildingSchedule;
  return (args: A) => {
    const key = JSON.stringify(args);
    let loader = byArgs.get(key);
    if (!loader) {
      loader = withBatchSchedule(schedule, () => build(args));
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
  fetch: (parentIds: readonly string[]) => Promise<readonly V[]>,
  parentOf: (row: V) => string,
  page: PageRequest,
  keyOf: (row: V) => CursorKey,
): DataLoader<string, Connection<V>, unknown> {
  return new DataLoader<string, Connection<V>, unknown>(
    async (ids) => {
      loaderInstrumentation.onBatch(ids.length);
      const groups = new Map<string, V[]>();
      for (const row of await fetch(ids)) {
        const group = groups.get(parentOf(row));
        if (group) group.push(row);
        else groups.set(parentOf(row), [row]);
      }
      return ids.map((id) => toConnection(groups.get(id) ?? [], page, keyOf));
    },
    { maxBatchSize: 1000, ...batchOptions() },
  );
}

/**
 * A by-id loader for records that belong to a patient: returning them records
 * PHI access for those patients (the request's access log).
 */
export function createPatientRecordLoader<R extends { id: string; patientId: string }>(
  scope: LoaderScope,
  fetch: (ids: readonly string[]) => Promise<readonly R[]>,
): DataLoader<string, R | null, unknown> {
  return createLoader(
    async (ids: readonly string[]) => {
      const rows = await fetch(ids);
      scope.notePatientAccess(rows.map((r) => r.patientId));
      return rows;
    },
    (r) => r.id,
  );
}
