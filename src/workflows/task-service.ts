import type { TenantContext } from '../context.js';
import type { Viewer } from '../kernel/auth/viewer.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, conflict, DomainError, forbidden, notFound } from '../kernel/errors.js';
import type { UnitOfWork } from '../kernel/db/tenant-session.js';
import { requiredText } from '../kernel/validation.js';
import { activeUserHoldsRole } from '../identity/provider-repository.js';
import * as instances from './instance-repository.js';
import { WORKFLOW_ACTOR_ROLES } from './state-machine.js';
import * as assignment from './task-assignment-repository.js';
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
    // Its escalation follow-ups are moot once the task itself is done.
    const moot = await assignment.cancelEscalationsOf(tx, org, completed.id);
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
      after: {
        status: completed.status,
        formData: data,
        instanceId: instance.id,
        contextUpdated: contextChanged,
        ...(moot.length ? { cancelledEscalationTaskIds: moot.map((t) => t.id) } : {}),
      },
    });
    return completed;
  });
}

/**
 * Gives an unfinished task to another user (or, with no assignee, back to its role's queue), by a
 * workflow administrator (WORKFLOWS_ADMIN: the organization's admins and supervisors), with a reason.
 * A claim is dropped: the new assignee claims it themselves. Audited.
 */
export async function reassignTask(ctx: TenantContext, input: { taskId: string; assigneeId: string | null; reason: string }): Promise<tasks.TaskRow> {
  const reason = requiredText(input.reason, 'reason', 2000);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const before = await current(tx, org, input.taskId);
    if (before.status !== 'OPEN' && before.status !== 'CLAIMED') {
      throw conflict(`This task is ${before.status}; only OPEN or CLAIMED tasks can be reassigned`, { status: before.status });
    }
    if (input.assigneeId === null && before.assignedRole === null) {
      throw badInput('This task has no role queue to return to; name the user who should do it', 'assigneeId');
    }
    if (input.assigneeId !== null && !(await activeUserHoldsRole(tx, org, input.assigneeId, WORKFLOW_ACTOR_ROLES))) {
      throw badInput(
        `The assignee must be an active user of your organization holding a role that may work on workflows (${WORKFLOW_ACTOR_ROLES.join(', ')})`,
        'assigneeId',
      );
    }
    const after = await assignment.reassignTaskRow(tx, org, before.id, input.assigneeId);
    if (!after) throw conflict('This task was finished meanwhile; it can no longer be reassigned', {});
    audit({
      action: 'workflow_task.reassign',
      entityType: 'workflow_task',
      entityId: after.id,
      before: { status: before.status, assignedUserId: before.assignedUserId, claimedBy: before.claimedBy },
      after: { status: after.status, assignedUserId: after.assignedUserId, claimedBy: null, reason },
    });
    return after;
  });
}

/**
 * Inside the deactivation of `userId` (the caller's unit of work): their claims return to OPEN and
 * tasks assigned to them go to their role's queue (ORG_ADMIN's when they had none), so no instance
 * waits for ever on someone who can no longer sign in. One audit row per task.
 */
export async function releaseTasksOfDeactivatedUser({ tx, scope, audit }: UnitOfWork, userId: string): Promise<number> {
  const org = scope.organizationId;
  const held = await assignment.lockOpenTasksOfUser(tx, org, userId);
  if (held.length === 0) return 0;
  const released = await assignment.releaseTasksOfUser(tx, org, userId, 'ORG_ADMIN');
  const before = new Map(held.map((t) => [t.id, t]));
  for (const after of released) {
    const was = before.get(after.id)!;
    audit({
      action: 'workflow_task.release_deactivated',
      entityType: 'workflow_task',
      entityId: after.id,
      before: { status: was.status, assignedUserId: was.assignedUserId, assignedRole: was.assignedRole, claimedBy: was.claimedBy },
      after: { status: after.status, assignedUserId: after.assignedUserId, assignedRole: after.assignedRole, claimedBy: after.claimedBy, deactivatedUserId: userId },
    });
  }
  return released.length;
}
