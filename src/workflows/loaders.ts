import { createConnectionLoader, createByIdLoader, createStatusPagesLoader, createLoader, loaderFamily, notingAccess, type LoaderScope, createCountLoader } from '../kernel/loaders.js';
import type { PageRequest } from '../kernel/pagination.js';
import * as config from './config-repository.js';
import * as definitions from './definition-repository.js';
import * as instances from './instance-repository.js';
import * as tasks from './task-repository.js';
import * as visuals from './visual-repository.js';

/** The patients whose data these instances hold: the governed record's patient, from its own column (never user context). */
export function patientsOf(rows: readonly instances.InstanceRow[]): string[] {
  return rows.flatMap((r) => (r.patientId ? [r.patientId] : []));
}

/** Workflow definitions, instances, history, tasks and designer documents, batched per request. */
export function workflowsLoaders(scope: LoaderScope) {
  const org = scope.organizationId;
  const read = scope.read.bind(scope);
  let configRead: Promise<config.ConfigRow> | undefined;
  return {
    workflowDefinitionById: createByIdLoader(scope, definitions.definitionsByIds),
    // Instance context carries the patient and clinical form data: reading it is PHI access.
    workflowInstanceById: createByIdLoader(scope, notingAccess(scope, instances.instancesByIds, patientsOf)),
    /** The active (else latest) instance of each record of one entity type. */
    workflowOfEntity: loaderFamily((entityType: string) =>
      createLoader(
        scope,
        notingAccess(scope, (tx, org, ids) => instances.instancesByEntityIds(tx, org, entityType, ids), patientsOf),
        (i) => i.entityId,
      ),
    ),
    workflowTransitionById: createByIdLoader(scope, instances.transitionsByIds),
    workflowHistoryOfInstance: loaderFamily((page: PageRequest) =>
      createConnectionLoader(
        scope,
        (tx, org, ids) => instances.transitionsOfInstances.pages(tx, org, ids, null, page),
        (t) => t.instanceId,
        page,
        (t) => [t.sortKey, t.id],
      ),
    ),
    workflowHistoryCountOfInstance: createCountLoader(scope, (tx, org, ids) => instances.transitionsOfInstances.counts(tx, org, ids, null)),
    workflowTaskById: createByIdLoader(scope, tasks.tasksByIds),
    workflowTasksOfInstance: createStatusPagesLoader(scope, tasks.tasksOfInstances.pages, (t) => t.instanceId, (t) => [t.sortKey, t.id]),
    workflowTaskCountOfInstance: loaderFamily((statuses: string[] | null) =>
      createCountLoader(scope, (tx, org, ids) => tasks.tasksOfInstances.counts(tx, org, ids, statuses)),
    ),
    visualWorkflowById: createByIdLoader(scope, visuals.visualsByIds),
    /** The organization's workflow settings, read at most once per request. */
    workflowConfig: () => (configRead ??= read((tx) => config.configOf(tx, org))),
  };
}
