import type { TenantContext } from '../context.js';
import type { Viewer } from '../kernel/auth/viewer.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, conflict, DomainError, forbidden, notFound } from '../kernel/errors.js';
import * as instances from './instance-repository.js';
import { userContext } from './instance-service.js';
import * as tasks from './task-repository.js';

/** Who may claim a task: its assigned user, or — when none is assigned — any holder of its role. */
export function eligible(task: tasks.TaskRow, viewer: Viewer): boolean {
  if (task.assignedUserId) return task.assignedUserId === viewer.userId;
  return task.assignedRole !== null && (viewer.roles as readonly string[]).includes(task.assignedRole);
}

async function current(tx: TransactionSql, org: string, id: string): Promise<tasks.TaskRow> {
  const [task] = await tasks.tasksByIds(tx, org, [id]);
  if (!task) throw notFound('Workflow task', id);
  return task;
}

const notEligible = (task: tasks.TaskRow) =>
  forbidden(
    task.assignedUserId
      ? 'This task is assigned to another user; only they can claim it'
      : `This task is for role ${task.assignedRole}, which you do not hold`,
  );

/**
 * OPEN → CLAIMED in one conditional UPDATE: of concurrent claimers exactly one
 * wins; the others see CONFLICT naming who holds it.
 */
export async function claimTask(ctx: TenantContext, id: string): Promise<tasks.TaskRow> {
  const viewer = ctx.viewer;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const claimed = await tasks.claimTaskRow(tx, org, id, viewer.userId, viewer.roles);
    if (!claimed) {
      const task = await current(tx, org, id);
      if (!eligible(task, viewer)) throw notEligible(task);
      if (task.status === 'CLAIMED') {
        throw conflict(
          task.claimedBy === viewer.userId ? 'You have already claimed this task' : 'Someone else claimed this task first',
          { status: task.status },
        );
      }
      throw conflict(`This task is ${task.status}; only OPEN tasks can be claimed`, { status: task.status });
    }
    audit({
      action: 'workflow_task.claim',
      entityType: 'workflow_task',
      entityId: claimed.id,
      before: { status: 'OPEN', claimedBy: null },
      after: { status: claimed.status, claimedBy: claimed.claimedBy },
    });
    return claimed;
  });
}

/** CLAIMED → OPEN, by the claimer. */
export async function releaseTask(ctx: TenantContext, id: string): Promise<tasks.TaskRow> {
  const viewer = ctx.viewer;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const released = await tasks.releaseTaskRow(tx, org, id, viewer.userId);
    if (!released) {
      const task = await current(tx, org, id);
      if (task.status !== 'CLAIMED') throw conflict(`This task is ${task.status}; only a CLAIMED task can be released`, { status: task.status });
      throw forbidden('Only the user who claimed this task can release it');
    }
    audit({
      action: 'workflow_task.release',
      entityType: 'workflow_task',
      entityId: released.id,
      before: { status: 'CLAIMED', claimedBy: viewer.userId },
      after: { status: released.status, claimedBy: null },
    });
    return released;
  });
}

/**
 * CLAIMED → COMPLETED, by the claimer. The form data is kept on the task and,
 * while the instance runs, merged into its context variables (where guards read it).
 * The instance is locked first, the order transitions lock in, so the two never deadlock.
 */
export async function completeTask(ctx: TenantContext, id: string, formData: Record<string, unknown> | null | undefined): Promise<tasks.TaskRow> {
  const data = userContext(formData, 'formData');
  const viewer = ctx.viewer;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const instance = await instances.lockInstanceOfTask(tx, org, id);
    if (!instance) throw notFound('Workflow task', id);
    const completed = await tasks.completeTaskRow(tx, org, id, viewer.userId, data);
    if (!completed) {
      const task = await current(tx, org, id);
      if (task.status === 'OPEN') throw badInput('Claim this task before completing it', 'taskId');
      if (task.status !== 'CLAIMED') throw conflict(`This task is ${task.status}; it can no longer be completed`, { status: task.status });
      throw new DomainError('FORBIDDEN', 'Only the user who claimed this task can complete it');
    }
    let contextChanged = false;
    if (instance.status === 'ACTIVE' && Object.keys(data).length > 0) {
      await instances.updateInstanceRow(tx, { ...instance, context: { ...instance.context, ...data } });
      contextChanged = true;
    }
    audit({
      action: 'workflow_task.complete',
      entityType: 'workflow_task',
      entityId: completed.id,
      before: { status: 'CLAIMED' },
      after: { status: completed.status, formData: data, instanceId: instance.id, contextUpdated: contextChanged },
    });
    return completed;
  });
}
