import { billingLoaders } from './billing/loaders.js';
import { identityLoaders } from './identity/loaders.js';
import { unauthenticated } from './kernel/errors.js';
import { chartLoaders } from './patients/chart-loaders.js';
import { patientLoaders } from './patients/loaders.js';
import { ordersLoaders } from './patients/orders-loaders.js';
import { schedulingLoaders } from './scheduling/loaders.js';
import { workflowsLoaders } from './workflows/loaders.js';
import { lazyGroups } from './kernel/lazy-groups.js';
import type { TenantSession } from './kernel/db/tenant-session.js';
import type { Batching, BatchTrace, LoaderScope } from './kernel/loaders.js';

/**
 * The tenant scope loaders read through; anonymous requests get one that refuses.
 * Batches wait until the request's database work is idle, so each loader sends one
 * statement per level of the query however its parents' results happen to arrive.
 */
function loaderScope(session: TenantSession | null, onBatch: (size: number) => void, trace?: BatchTrace): LoaderScope {
  const batching: Batching = { schedule: session ? (dispatch) => session.whenIdle(dispatch) : undefined, onBatch, trace };
  if (!session) {
    return {
      organizationId: '',
      read: () => Promise.reject(unauthenticated()),
      notePatientAccess: () => {},
      batching,
    };
  }
  return {
    organizationId: session.scope.organizationId,
    read: (fn) => session.read(fn),
    notePatientAccess: (ids) => session.notePatientAccess(ids),
    batching,
  };
}

/** Each domain's loaders, built per request on first use (a request reading patients builds no workflow loader). */
const loadersOf = lazyGroups(
  {
    identity: identityLoaders,
    patients: patientLoaders,
    chart: chartLoaders,
    orders: ordersLoaders,
    billing: billingLoaders,
    scheduling: schedulingLoaders,
    workflows: workflowsLoaders,
  },
  loaderScope(null, () => {}),
);

/**
 * Every DataLoader of a request, per request, from each domain's repository;
 * resolvers reach them only through `ctx.loaders`.
 */
export function createLoaders(session: TenantSession | null, onBatch: (size: number) => void, trace?: BatchTrace) {
  return loadersOf(loaderScope(session, onBatch, trace));
}

export type Loaders = ReturnType<typeof createLoaders>;
