import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { encounterPatientId } from '../patients/encounter-repository.js';
import { imagingOrderPatientId } from '../patients/imaging-order-repository.js';
import { labTestPatientId } from '../patients/lab-test-repository.js';
import { prescriptionPatientId } from '../patients/prescription-repository.js';
import { appointmentPatientId } from '../scheduling/appointment-repository.js';
import { childList } from '../kernel/keyset.js';
import { keysetList } from '../kernel/root-list.js';

interface InstanceRecord {
  id: string;
  organizationId: string;
  definitionId: string;
  entityType: string;
  entityId: string;
  /** The patient of the governed record (kept by trigger workflow_instances_patient); never user data. */
  patientId: string | null;
  currentState: string;
  /** User context only: start and transition variables and completed tasks' form data. */
  context: string | null;
  status: string;
  startedBy: string | null;
  startedAt: Date;
  completedAt: Date | null;
  cancelledAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** `started_at` with microseconds, for cursors (never null; SafeQL cannot tell). */
  sortKey: string | null;
}

/** One row of `workflow_instances` as the API reads it. */
export type InstanceRow = Omit<InstanceRecord, 'context' | 'sortKey'> & { context: Record<string, unknown>; sortKey: string };

interface TransitionRecord {
  id: string;
  organizationId: string;
  instanceId: string;
  fromState: string | null;
  toState: string;
  event: string;
  actorId: string | null;
  comment: string | null;
  occurredAt: Date;
  /** `occurred_at` with microseconds, for cursors. */
  sortKey: string | null;
}

/** One history entry (`workflow_transitions`). */
export type TransitionRow = Omit<TransitionRecord, 'sortKey'> & { sortKey: string };

export interface InstanceListFilter {
  definitionId: string | null;
  entityType: string | null;
  entityId: string | null;
  state: string | null;
  statuses: string[] | null;
}

/** What a plain SELECT returns: the cast JSON column is known NOT NULL there (not in RETURNING). */
type Selected = Omit<InstanceRecord, 'context'> & { context: string };

const toInstance = (r: InstanceRecord): InstanceRow => ({
  ...r,
  context: JSON.parse(r.context ?? '{}') as Record<string, unknown>,
  sortKey: r.sortKey ?? '',
});
const toTransition = (r: TransitionRecord): TransitionRow => ({ ...r, sortKey: r.sortKey ?? '' });

export async function instancesByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): Promise<InstanceRow[]> {
  const rows = await tx<Selected[]>`
    /* instancesByIds */
    select id, organization_id, definition_id, entity_type, entity_id, patient_id, current_state, context::text as context, status,
           started_by, started_at, completed_at, cancelled_at, created_at, updated_at, version,
           cursor_timestamp(started_at)::text as sort_key
    from workflow_instances
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
  `;
  return rows.map(toInstance);
}

/**
 * The workflow of many records of one type in one statement: per record the
 * ACTIVE instance, else the most recently started one.
 */
export async function instancesByEntityIds(
  tx: TransactionSql,
  organizationId: string,
  entityType: string,
  entityIds: readonly string[],
): Promise<InstanceRow[]> {
  const rows = await tx<Selected[]>`
    /* instancesByEntityIds */
    select distinct on (entity_id)
           id, organization_id, definition_id, entity_type, entity_id, patient_id, current_state, context::text as context, status,
           started_by, started_at, completed_at, cancelled_at, created_at, updated_at, version,
           cursor_timestamp(started_at)::text as sort_key
    from workflow_instances
    where organization_id = ${organizationId}::uuid and entity_type = ${entityType}
      and entity_id = any(${entityIds as string[]}::uuid[])
    order by entity_id, (status = 'ACTIVE') desc, started_at desc, id desc
  `;
  return rows.map(toInstance);
}

/** Instances matching the filter: `instanceList` pages them most recently started first on (started_at, id) and counts them. */
function matchingInstances(tx: TransactionSql, organizationId: string, f: InstanceListFilter): PendingQuery<Selected[]> {
  return tx<Selected[]>`
    /* matchingInstances */
    select id, organization_id, definition_id, entity_type, entity_id, patient_id, current_state, context::text as context, status,
           started_by, started_at, completed_at, cancelled_at, created_at, updated_at, version,
           cursor_timestamp(started_at)::text as sort_key
    from workflow_instances
    where organization_id = ${organizationId}::uuid
      and (${f.definitionId}::uuid is null or definition_id = ${f.definitionId}::uuid)
      and (${f.entityType}::text is null or entity_type = ${f.entityType}::text)
      and (${f.entityId}::uuid is null or entity_id = ${f.entityId}::uuid)
      and (${f.state}::text is null or current_state = ${f.state}::text)
      and (${f.statuses}::text[] is null or status = any(${f.statuses}::text[]))
  `;
}

/** Locks an instance: concurrent transitions of it queue here and re-check the state they expect. */
export async function lockInstance(tx: TransactionSql, organizationId: string, id: string): Promise<InstanceRow | null> {
  const rows = await tx<Selected[]>`
    /* lockInstance */
    select id, organization_id, definition_id, entity_type, entity_id, patient_id, current_state, context::text as context, status,
           started_by, started_at, completed_at, cancelled_at, created_at, updated_at, version,
           cursor_timestamp(started_at)::text as sort_key
    from workflow_instances
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid
    for update
  `;
  return rows[0] ? toInstance(rows[0]) : null;
}

/** Locks the instance a task belongs to (tasks are changed under their instance's lock). */
export async function lockInstanceOfTask(tx: TransactionSql, organizationId: string, taskId: string): Promise<InstanceRow | null> {
  const rows = await tx<Selected[]>`
    /* lockInstanceOfTask */
    select i.id, i.organization_id, i.definition_id, i.entity_type, i.entity_id, i.patient_id, i.current_state, i.context::text as context,
           i.status, i.started_by, i.started_at, i.completed_at, i.cancelled_at, i.created_at, i.updated_at, i.version,
           cursor_timestamp(i.started_at)::text as sort_key
    from workflow_tasks t
    join workflow_instances i on i.organization_id = t.organization_id and i.id = t.instance_id
    where t.organization_id = ${organizationId}::uuid and t.id = ${taskId}::uuid
    for update of i
  `;
  return rows[0] ? toInstance(rows[0]) : null;
}

/** How to find the patient of each kind of record a workflow can govern: through the repository of the domain that owns it. */
const PATIENT_OF_ENTITY: Record<string, (tx: TransactionSql, organizationId: string, id: string) => Promise<string | null>> = {
  ENCOUNTER: encounterPatientId,
  LAB_ORDER: labTestPatientId,
  IMAGING_ORDER: imagingOrderPatientId,
  PRESCRIPTION: prescriptionPatientId,
  APPOINTMENT: appointmentPatientId,
};

/**
 * The patient of the record a workflow would govern, proving the record exists
 * (live) in the organization; null when it does not. REFERRAL and ADMISSION
 * have no records, so they never match.
 */
export async function entityPatientId(
  tx: TransactionSql,
  organizationId: string,
  entityType: string,
  entityId: string,
): Promise<{ patientId: string } | null> {
  const patientOf = PATIENT_OF_ENTITY[entityType];
  const patientId = patientOf ? await patientOf(tx, organizationId, entityId) : null;
  return patientId ? { patientId } : null;
}

/** The instance governing a record: the ACTIVE one, else the most recently started; null when none. */
export async function latestInstanceForEntity(
  tx: TransactionSql,
  organizationId: string,
  entityType: string,
  entityId: string,
): Promise<{ id: string; status: string } | null> {
  const rows = await tx<{ id: string; status: string }[]>`
    /* latestInstanceForEntity */
    select id, status from workflow_instances
    where organization_id = ${organizationId}::uuid and entity_type = ${entityType} and entity_id = ${entityId}::uuid
    order by (status = 'ACTIVE') desc, started_at desc, id desc
    limit 1
  `;
  return rows[0] ?? null;
}

export async function insertInstance(
  tx: TransactionSql,
  organizationId: string,
  i: { definitionId: string; entityType: string; entityId: string; currentState: string; context: Record<string, unknown>; startedBy: string },
): Promise<InstanceRow> {
  const rows = await tx<InstanceRecord[]>`
    /* insertInstance */
    insert into workflow_instances (organization_id, definition_id, entity_type, entity_id, current_state, context, started_by)
    values (${organizationId}::uuid, ${i.definitionId}::uuid, ${i.entityType}, ${i.entityId}::uuid, ${i.currentState},
            ${JSON.stringify(i.context)}::text::jsonb, ${i.startedBy}::uuid)
    returning id, organization_id, definition_id, entity_type, entity_id, patient_id, current_state, context::text as context, status,
              started_by, started_at, completed_at, cancelled_at, created_at, updated_at, version,
              cursor_timestamp(started_at)::text as sort_key
  `;
  return toInstance(rows[0]!);
}

/** Writes the state, context and status of a locked instance and bumps its version. */
export async function updateInstanceRow(tx: TransactionSql, i: InstanceRow): Promise<InstanceRow> {
  const rows = await tx<InstanceRecord[]>`
    /* updateInstanceRow */
    update workflow_instances set
      current_state = ${i.currentState}, context = ${JSON.stringify(i.context)}::text::jsonb, status = ${i.status},
      completed_at = ${i.completedAt}::timestamptz, cancelled_at = ${i.cancelledAt}::timestamptz, version = version + 1
    where organization_id = ${i.organizationId}::uuid and id = ${i.id}::uuid and version = ${i.version}::int
    returning id, organization_id, definition_id, entity_type, entity_id, patient_id, current_state, context::text as context, status,
              started_by, started_at, completed_at, cancelled_at, created_at, updated_at, version,
              cursor_timestamp(started_at)::text as sort_key
  `;
  return toInstance(rows[0]!);
}

// --- History ------------------------------------------------------------------------------

export async function transitionsByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): Promise<TransitionRow[]> {
  const rows = await tx<TransitionRecord[]>`
    /* transitionsByIds */
    select id, organization_id, instance_id, from_state, to_state, event, actor_id, comment, occurred_at,
           cursor_timestamp(occurred_at)::text as sort_key
    from workflow_transitions
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
  `;
  return rows.map(toTransition);
}

export async function insertTransition(
  tx: TransactionSql,
  organizationId: string,
  t: { instanceId: string; fromState: string | null; toState: string; event: string; actorId: string; comment: string | null },
): Promise<TransitionRow> {
  const rows = await tx<TransitionRecord[]>`
    /* insertTransition */
    insert into workflow_transitions (organization_id, instance_id, from_state, to_state, event, actor_id, comment, occurred_at)
    values (${organizationId}::uuid, ${t.instanceId}::uuid, ${t.fromState}, ${t.toState}, ${t.event}, ${t.actorId}::uuid,
            ${t.comment}, clock_timestamp())
    returning id, organization_id, instance_id, from_state, to_state, event, actor_id, comment, occurred_at,
              cursor_timestamp(occurred_at)::text as sort_key
  `;
  return toTransition(rows[0]!);
}

/** The organization's workflow transitions: what `WorkflowInstance.history` pages and counts. */
function organizationTransitions(tx: TransactionSql, organizationId: string): PendingQuery<TransitionRecord[]> {
  return tx<TransitionRecord[]>`
    /* organizationTransitions */
    select t.id, t.organization_id, t.instance_id, t.from_state, t.to_state, t.event, t.actor_id, t.comment, t.occurred_at,
           cursor_timestamp(t.occurred_at)::text as sort_key
    from workflow_transitions t
    where t.organization_id = ${organizationId}::uuid
  `;
}

/** `WorkflowInstance.history`: oldest first. */
export const transitionsOfInstances = childList(organizationTransitions, 'instance_id', { column: 'occurred_at', type: 'timestamptz', order: 'asc' }, toTransition);

/** `Query.workflowInstances`: by start. */
export const instanceList = keysetList('workflowInstances:startedAt', matchingInstances, { column: 'started_at', type: 'timestamptz', order: 'desc' }, (i) => [i.sortKey, i.id], { rowOf: toInstance, patientsOf: (i) => i.patientId });
