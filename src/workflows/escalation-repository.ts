/** The SQL of escalating overdue tasks (see escalation-service.ts). */
import type { TransactionSql } from '../kernel/db/pool.js';
import { toTask, type TaskRecord, type TaskRow } from './task-repository.js';

/**
 * Unfinished tasks of running instances that are `afterHours` past due at `now` and not yet
 * escalated (follow-ups never escalate), locked; rows another sweep holds are skipped.
 */
export async function lockOverdueTasks(
  tx: TransactionSql,
  organizationId: string,
  now: Date,
  afterHours: number,
  limit: number,
): Promise<TaskRow[]> {
  const rows = await tx<TaskRecord[]>`
    /* lockOverdueTasks */
    select t.id, t.organization_id, t.instance_id, t.transition_id, t.name, t.description, t.assigned_role, t.assigned_user_id,
           t.claimed_by, t.priority, t.status, t.due_at, t.claimed_at, t.completed_at, t.completed_by,
           t.form_data::text as form_data, t.created_at, t.updated_at, t.version, t.escalated_at, t.escalated_from,
           cursor_timestamp(t.created_at)::text as sort_key
    from workflow_tasks t
    join workflow_instances i on i.organization_id = t.organization_id and i.id = t.instance_id and i.status = 'ACTIVE'
    where t.organization_id = ${organizationId}::uuid and t.status in ('OPEN', 'CLAIMED')
      and t.escalated_at is null and t.escalated_from is null
      and t.due_at + make_interval(hours => ${afterHours}::int) <= ${now}::timestamptz
    order by t.due_at, t.id
    limit ${limit}::int
    for update of t skip locked
  `;
  return rows.map(toTask);
}

/** Marks tasks escalated at `now` and raises them to URGENT. */
export async function markEscalated(tx: TransactionSql, organizationId: string, ids: readonly string[], now: Date): Promise<TaskRow[]> {
  const rows = await tx<TaskRecord[]>`
    /* markEscalated */
    update workflow_tasks set escalated_at = ${now}::timestamptz, priority = 'URGENT', version = version + 1
    where organization_id = ${organizationId}::uuid and id = any(${ids as string[]}::uuid[])
    returning id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
              priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
              updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
  `;
  return rows.map(toTask);
}

/** Opens one URGENT follow-up per escalated task for `role`, on the same instance and history entry. */
export async function insertEscalationTasks(
  tx: TransactionSql,
  organizationId: string,
  ids: readonly string[],
  role: string,
): Promise<TaskRow[]> {
  const rows = await tx<TaskRecord[]>`
    /* insertEscalationTasks */
    insert into workflow_tasks (organization_id, instance_id, transition_id, name, description, assigned_role, priority,
                                escalated_from, created_at)
    select t.organization_id, t.instance_id, t.transition_id, left('Overdue: ' || t.name, 200),
           'Escalated: "' || left(t.name, 200) || '" was due at ' || to_char(t.due_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') ||
             ' UTC and is still ' || t.status || '; see that it is done or reassign it.',
           ${role}::text, 'URGENT', t.id, clock_timestamp()
    from workflow_tasks t
    where t.organization_id = ${organizationId}::uuid and t.id = any(${ids as string[]}::uuid[])
    returning id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
              priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
              updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
  `;
  return rows.map(toTask);
}
