import type { PendingQuery } from 'postgres';
import type { TransactionSql } from '../kernel/db/pool.js';
import { childList } from '../kernel/keyset.js';
import { keysetList } from '../kernel/root-list.js';

export interface TaskRecord {
  id: string;
  organizationId: string;
  instanceId: string;
  transitionId: string | null;
  name: string;
  description: string | null;
  assignedRole: string | null;
  assignedUserId: string | null;
  claimedBy: string | null;
  priority: string;
  status: string;
  dueAt: Date | null;
  claimedAt: Date | null;
  completedAt: Date | null;
  completedBy: string | null;
  formData: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  /** When it was escalated for being overdue (null: never). */
  escalatedAt: Date | null;
  /** For a follow-up opened by escalation: the overdue task it is about. */
  escalatedFrom: string | null;
  /** `created_at` with microseconds, for cursors (never null; SafeQL cannot tell). */
  sortKey: string | null;
}

/** One row of `workflow_tasks` as the API reads it. */
export type TaskRow = Omit<TaskRecord, 'formData' | 'sortKey'> & { formData: Record<string, unknown> | null; sortKey: string };

export interface NewTask {
  name: string;
  description: string | null;
  assignedRole: string | null;
  assignedUserId: string | null;
  priority: string;
  dueInHours: number;
}

export interface TaskListFilter {
  /** Restricts to the tasks of this viewer (assigned user, role queue, or claimed by them). */
  viewerId: string | null;
  viewerRoles: string[] | null;
  statuses: string[] | null;
  priorities: string[] | null;
  instanceId: string | null;
  assignedRole: string | null;
  assignedUserId: string | null;
}

export const toTask = (r: TaskRecord): TaskRow => ({
  ...r,
  formData: r.formData === null ? null : (JSON.parse(r.formData) as Record<string, unknown>),
  sortKey: r.sortKey ?? '',
});

export async function tasksByIds(tx: TransactionSql, organizationId: string, ids: readonly string[]): Promise<TaskRow[]> {
  const rows = await tx<TaskRecord[]>`
    /* tasksByIds */
    select id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
           priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
           updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
    from workflow_tasks
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
  `;
  return rows.map(toTask);
}

/** Opens tasks for one history entry in one statement, in the order given. */
export async function insertTasks(
  tx: TransactionSql,
  organizationId: string,
  instanceId: string,
  transitionId: string,
  tasks: readonly NewTask[],
): Promise<TaskRow[]> {
  if (tasks.length === 0) return [];
  const payload = tasks.map((t, i) => ({ ...t, position: i }));
  const rows = await tx<TaskRecord[]>`
    /* insertTasks */
    insert into workflow_tasks (organization_id, instance_id, transition_id, name, description, assigned_role,
                                assigned_user_id, priority, due_at, created_at)
    select ${organizationId}::uuid, ${instanceId}::uuid, ${transitionId}::uuid, r.name, r.description, r.assigned_role,
           r.assigned_user_id, r.priority, now() + make_interval(hours => r.due_in_hours),
           clock_timestamp()
    from jsonb_to_recordset(${JSON.stringify(payload.map(snake))}::text::jsonb)
      as r(name text, description text, assigned_role text, assigned_user_id uuid, priority text, due_in_hours int, position int)
    order by r.position
    returning id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
              priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
              updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
  `;
  return rows.map(toTask).sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
}

function snake(t: NewTask & { position: number }) {
  return {
    name: t.name,
    description: t.description,
    assigned_role: t.assignedRole,
    assigned_user_id: t.assignedUserId,
    priority: t.priority,
    due_in_hours: t.dueInHours,
    position: t.position,
  };
}

/** Cancels an instance's OPEN and CLAIMED tasks (caller holds the instance lock); returns them. */
export async function cancelUnfinishedTasks(tx: TransactionSql, organizationId: string, instanceId: string): Promise<TaskRow[]> {
  const rows = await tx<TaskRecord[]>`
    /* cancelUnfinishedTasks */
    update workflow_tasks set status = 'CANCELLED', version = version + 1
    where organization_id = ${organizationId}::uuid and instance_id = ${instanceId}::uuid and status in ('OPEN', 'CLAIMED')
    returning id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
              priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
              updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
  `;
  return rows.map(toTask);
}

/**
 * How many of an instance's tasks (named `name`, when given) are still OPEN or CLAIMED. Escalation
 * follow-ups do not count: they are about a task, which counts itself.
 */
export async function countUnfinishedTasks(
  tx: TransactionSql,
  organizationId: string,
  instanceId: string,
  name: string | null,
): Promise<number> {
  const rows = await tx<{ count: number }[]>`
    /* countUnfinishedTasks */
    select count(*)::int as count from workflow_tasks
    where organization_id = ${organizationId}::uuid and instance_id = ${instanceId}::uuid and status in ('OPEN', 'CLAIMED')
      and escalated_from is null and (${name}::text is null or name = ${name}::text)
  `;
  return rows[0]?.count ?? 0;
}

/**
 * Claims an OPEN task in one conditional statement: of concurrent claimers the
 * first to update wins; the others find the status changed and get no row.
 * Eligible: the assigned user, or any holder of the assigned role when no user is assigned.
 */
export async function claimTaskRow(
  tx: TransactionSql,
  organizationId: string,
  id: string,
  userId: string,
  roles: readonly string[],
): Promise<TaskRow | null> {
  const rows = await tx<TaskRecord[]>`
    /* claimTaskRow */
    update workflow_tasks set status = 'CLAIMED', claimed_by = ${userId}::uuid, claimed_at = now(), version = version + 1
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid and status = 'OPEN'
      and (assigned_user_id = ${userId}::uuid or (assigned_user_id is null and assigned_role = any(${roles as string[]}::text[])))
    returning id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
              priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
              updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
  `;
  return rows[0] ? toTask(rows[0]) : null;
}

/** Returns a task claimed by `userId` to OPEN. */
export async function releaseTaskRow(tx: TransactionSql, organizationId: string, id: string, userId: string): Promise<TaskRow | null> {
  const rows = await tx<TaskRecord[]>`
    /* releaseTaskRow */
    update workflow_tasks set status = 'OPEN', claimed_by = null, claimed_at = null, version = version + 1
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid and status = 'CLAIMED' and claimed_by = ${userId}::uuid
    returning id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
              priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
              updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
  `;
  return rows[0] ? toTask(rows[0]) : null;
}

/** Completes a task claimed by `userId` (CLAIMED → COMPLETED) with its form data. */
export async function completeTaskRow(
  tx: TransactionSql,
  organizationId: string,
  id: string,
  userId: string,
  formData: Record<string, unknown>,
): Promise<TaskRow | null> {
  const rows = await tx<TaskRecord[]>`
    /* completeTaskRow */
    update workflow_tasks set status = 'COMPLETED', completed_by = ${userId}::uuid, completed_at = now(),
           form_data = ${JSON.stringify(formData)}::text::jsonb, version = version + 1
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid and status = 'CLAIMED' and claimed_by = ${userId}::uuid
    returning id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
              priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
              updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
  `;
  return rows[0] ? toTask(rows[0]) : null;
}

/** Tasks matching a task list's filter (myTasks, workflowTasks): `taskList` pages them oldest first on (created_at, id) and counts them. */
function matchingTasks(tx: TransactionSql, organizationId: string, f: TaskListFilter): PendingQuery<TaskRecord[]> {
  return tx<TaskRecord[]>`
    /* matchingTasks */
    select id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
           priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
           updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
    from workflow_tasks
    where organization_id = ${organizationId}::uuid
      and (${f.viewerId}::uuid is null
           or assigned_user_id = ${f.viewerId}::uuid
           or claimed_by = ${f.viewerId}::uuid
           or (assigned_user_id is null and assigned_role = any(${f.viewerRoles}::text[])))
      and (${f.statuses}::text[] is null or status = any(${f.statuses}::text[]))
      and (${f.priorities}::text[] is null or priority = any(${f.priorities}::text[]))
      and (${f.instanceId}::uuid is null or instance_id = ${f.instanceId}::uuid)
      and (${f.assignedRole}::text is null or assigned_role = ${f.assignedRole}::text)
      and (${f.assignedUserId}::uuid is null or assigned_user_id = ${f.assignedUserId}::uuid)
  `;
}

/** The organization's workflow tasks in `statuses` (null: any): what `WorkflowInstance.tasks` pages and counts. */
function tasksInStatuses(tx: TransactionSql, organizationId: string, statuses: string[] | null): PendingQuery<TaskRecord[]> {
  return tx<TaskRecord[]>`
    /* tasksInStatuses */
    select t.id, t.organization_id, t.instance_id, t.transition_id, t.name, t.description, t.assigned_role,
           t.assigned_user_id, t.claimed_by, t.priority, t.status, t.due_at, t.claimed_at, t.completed_at, t.completed_by,
           t.form_data::text as form_data, t.created_at, t.updated_at, t.version, t.escalated_at, t.escalated_from,
           cursor_timestamp(t.created_at)::text as sort_key
    from workflow_tasks t
    where t.organization_id = ${organizationId}::uuid
      and (${statuses}::text[] is null or t.status = any(${statuses}::text[]))
  `;
}

/** `WorkflowInstance.tasks(status:)`: oldest first. */
export const tasksOfInstances = childList(tasksInStatuses, 'instance_id', { column: 'created_at', type: 'timestamptz', order: 'asc' }, toTask);

/** `Query.myTasks` and `Query.workflowTasks`: by creation (a cursor of one is refused by the other). */
export const taskList = keysetList((f: TaskListFilter) => (f.viewerId ? 'myTasks:createdAt' : 'workflowTasks:createdAt'), matchingTasks, { column: 'created_at', type: 'timestamptz', order: 'asc' }, (t) => [t.sortKey, t.id], { rowOf: toTask });
