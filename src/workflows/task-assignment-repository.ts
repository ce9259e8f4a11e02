/** Who a task is for, changed by someone other than its claimer: reassignment and a deactivated user's release. */
import type { TransactionSql } from '../kernel/db/pool.js';
import { toTask, type TaskRecord, type TaskRow } from './task-repository.js';

/**
 * Gives an unfinished task to `assigneeId` (or, when null, back to its role's queue): it is OPEN
 * again and unclaimed. Null when the task is not OPEN or CLAIMED (the caller says why).
 */
export async function reassignTaskRow(
  tx: TransactionSql,
  organizationId: string,
  id: string,
  assigneeId: string | null,
): Promise<TaskRow | null> {
  const rows = await tx<TaskRecord[]>`
    /* reassignTaskRow */
    update workflow_tasks set assigned_user_id = ${assigneeId}::uuid, status = 'OPEN', claimed_by = null, claimed_at = null,
           version = version + 1
    where organization_id = ${organizationId}::uuid and id = ${id}::uuid and status in ('OPEN', 'CLAIMED')
    returning id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
              priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
              updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
  `;
  return rows[0] ? toTask(rows[0]) : null;
}

/** The unfinished tasks a user holds (assigned to them or claimed by them), locked, oldest first. */
export async function lockOpenTasksOfUser(tx: TransactionSql, organizationId: string, userId: string): Promise<TaskRow[]> {
  const rows = await tx<TaskRecord[]>`
    /* lockOpenTasksOfUser */
    select id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
           priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
           updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
    from workflow_tasks
    where organization_id = ${organizationId}::uuid and status in ('OPEN', 'CLAIMED')
      and (assigned_user_id = ${userId}::uuid or claimed_by = ${userId}::uuid)
    order by created_at, id
    for update
  `;
  return rows.map(toTask);
}

/**
 * Releases what a deactivated user held: their claims return to OPEN, and tasks assigned to them
 * go to their role's queue, or to `fallbackRole` when they had no role (someone must pick them up).
 */
export async function releaseTasksOfUser(
  tx: TransactionSql,
  organizationId: string,
  userId: string,
  fallbackRole: string,
): Promise<TaskRow[]> {
  const rows = await tx<TaskRecord[]>`
    /* releaseTasksOfUser */
    update workflow_tasks set
      status = case when claimed_by = ${userId}::uuid then 'OPEN' else status end,
      claimed_at = case when claimed_by = ${userId}::uuid then null else claimed_at end,
      claimed_by = case when claimed_by = ${userId}::uuid then null else claimed_by end,
      assigned_role = case when assigned_user_id = ${userId}::uuid then coalesce(assigned_role, ${fallbackRole}::text) else assigned_role end,
      assigned_user_id = case when assigned_user_id = ${userId}::uuid then null else assigned_user_id end,
      version = version + 1
    where organization_id = ${organizationId}::uuid and status in ('OPEN', 'CLAIMED')
      and (assigned_user_id = ${userId}::uuid or claimed_by = ${userId}::uuid)
    returning id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
              priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
              updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
  `;
  return rows.map(toTask);
}

/** Cancels the open escalation follow-ups of a task (it was completed); returns them. */
export async function cancelEscalationsOf(tx: TransactionSql, organizationId: string, taskId: string): Promise<TaskRow[]> {
  const rows = await tx<TaskRecord[]>`
    /* cancelEscalationsOf */
    update workflow_tasks set status = 'CANCELLED', version = version + 1
    where organization_id = ${organizationId}::uuid and escalated_from = ${taskId}::uuid and status in ('OPEN', 'CLAIMED')
    returning id, organization_id, instance_id, transition_id, name, description, assigned_role, assigned_user_id, claimed_by,
              priority, status, due_at, claimed_at, completed_at, completed_by, form_data::text as form_data, created_at,
              updated_at, version, escalated_at, escalated_from, cursor_timestamp(created_at)::text as sort_key
  `;
  return rows.map(toTask);
}
