import type { TenantContext } from '../context.js';
import type { TransactionSql } from '../kernel/db/pool.js';
import { badInput, conflict, fromDatabaseError, notFound } from '../kernel/errors.js';
import { toGlobalId } from '../kernel/global-id.js';
import { optionalText, requiredText } from '../kernel/validation.js';
import { configOf } from './config-repository.js';
import * as definitions from './definition-repository.js';
import { SYSTEM_CONTEXT_KEYS, type ActionDef } from './definition-validation.js';
import * as instances from './instance-repository.js';
import * as tasks from './task-repository.js';
import {
  CANCEL_EVENT, cancelRefused, failedGuards, guardContext, guardError, initialState, mayCancel, selectTransition, START_EVENT,
} from './workflow-rules.js';

/** The GraphQL type of each governed record, for global IDs and messages. */
export const ENTITY_TYPES: Record<string, string | null> = {
  ENCOUNTER: 'Encounter',
  LAB_ORDER: 'LabTest',
  IMAGING_ORDER: 'ImagingOrder',
  PRESCRIPTION: 'Prescription',
  APPOINTMENT: 'Appointment',
  REFERRAL: null,
  ADMISSION: null,
};

const MAX_JSON = 64 * 1024;

/** Context variables and form data: a JSON object of bounded size. */
export function jsonObject(value: Record<string, unknown> | null | undefined, field: string): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  const size = JSON.stringify(value).length;
  if (size > MAX_JSON) throw badInput(`${field} must be at most ${MAX_JSON} characters of JSON (got ${size})`, field);
  return value;
}

/**
 * Variables and form data: user context, which may not set a system key (`patientId` is the
 * governed record's patient, kept in its own column; the access log names it).
 */
export function userContext(value: Record<string, unknown> | null | undefined, field: string): Record<string, unknown> {
  const data = jsonObject(value, field);
  for (const key of SYSTEM_CONTEXT_KEYS) {
    if (Object.hasOwn(data, key)) {
      throw badInput(`${field}.${key} is set by the server from the governed record and cannot be given or changed; leave it out`, `${field}.${key}`);
    }
  }
  return data;
}

/** Opens the tasks of `actions` under one history entry; due times default from the organization's config. */
async function openTasks(
  tx: TransactionSql,
  org: string,
  instanceId: string,
  transitionId: string,
  actions: readonly ActionDef[],
): Promise<tasks.TaskRow[]> {
  if (actions.length === 0) return [];
  const defaultDue = actions.some((a) => a.dueInHours === undefined) ? (await configOf(tx, org)).defaultTaskDueHours : 0;
  return tasks.insertTasks(
    tx,
    org,
    instanceId,
    transitionId,
    actions.map((a) => ({
      name: a.name,
      description: a.description ?? null,
      assignedRole: a.role ?? null,
      assignedUserId: a.userId ?? null,
      priority: a.priority ?? 'NORMAL',
      dueInHours: a.dueInHours ?? defaultDue,
    })),
  );
}

const TASK_REFERENCES = {
  workflow_tasks_organization_id_assigned_user_id_fkey: () =>
    badInput('A task action names a user who is no longer in your organization; publish a corrected version', 'event'),
};

export async function startWorkflow(
  ctx: TenantContext,
  input: {
    definitionId: string | null;
    entityType: string;
    entityId: string;
    variables?: Record<string, unknown> | null;
    comment?: string | null;
  },
): Promise<{ instance: instances.InstanceRow; createdTasks: tasks.TaskRow[] }> {
  const variables = userContext(input.variables, 'variables');
  const comment = optionalText(input.comment, 'comment', 2000) ?? null;
  const entityLabel = ENTITY_TYPES[input.entityType];
  if (!entityLabel) {
    throw badInput(`Workflows over ${input.entityType} records cannot be started yet: there are no such records`, 'entityType');
  }
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const definitionId = input.definitionId ?? (await definitions.defaultDefinitionId(tx, org, input.entityType));
    if (!definitionId) {
      throw badInput(`Your organization has no default workflow for ${input.entityType}; pass definitionId`, 'definitionId');
    }
    const [definition] = await definitions.definitionsByIds(tx, org, [definitionId]);
    if (!definition) throw notFound('Workflow definition', definitionId);
    if (definition.status !== 'PUBLISHED' || !definition.isActive) {
      throw badInput(
        `Version ${definition.versionNumber} of "${definition.definitionKey}" is ${definition.isActive ? definition.status : 'deactivated'}; instances start only on published, active versions`,
        'definitionId',
      );
    }
    if (definition.entityType !== input.entityType) {
      throw badInput(`The definition governs ${definition.entityType} records, not ${input.entityType}`, 'entityType');
    }
    // One start at a time per record, so two concurrent starts cannot both find no active instance.
    await definitions.lockName(tx, org, `workflow-entity:${input.entityType}:${input.entityId}`);
    const entity = await instances.entityPatientId(tx, org, input.entityType, input.entityId);
    if (!entity) throw notFound(entityLabel, input.entityId);
    const latest = await instances.latestInstanceForEntity(tx, org, input.entityType, input.entityId);
    if (latest?.status === 'ACTIVE') {
      throw conflict(`This ${entityLabel} already has an active workflow instance; it must complete before another starts`, {
        instanceId: toGlobalId('WorkflowInstance', latest.id),
      });
    }
    // A cancellation is final: starting afresh would undo it (and whoever may cancel decides that).
    if (latest?.status === 'CANCELLED') {
      throw conflict(`This ${entityLabel}'s workflow was cancelled; a cancelled workflow cannot be started again`, {
        instanceId: toGlobalId('WorkflowInstance', latest.id),
      });
    }
    const initial = initialState(definition.stateMachine);
    const instance = await instances.insertInstance(tx, org, {
      definitionId: definition.id,
      entityType: input.entityType,
      entityId: input.entityId,
      currentState: initial.code,
      context: variables,
      startedBy: scope.userId!,
    });
    const entry = await instances.insertTransition(tx, org, {
      instanceId: instance.id,
      fromState: null,
      toState: initial.code,
      event: START_EVENT,
      actorId: scope.userId!,
      comment,
    });
    const createdTasks = await openTasks(tx, org, instance.id, entry.id, initial.actions ?? []).catch((e: unknown) =>
      Promise.reject(fromDatabaseError(e, TASK_REFERENCES)),
    );
    audit({
      action: 'workflow.start',
      entityType: 'workflow_instance',
      entityId: instance.id,
      after: {
        definitionId: definition.id,
        entityType: instance.entityType,
        entityId: instance.entityId,
        currentState: instance.currentState,
        transitionId: entry.id,
        createdTaskIds: createdTasks.map((t) => t.id),
      },
    });
    return { instance, createdTasks };
  });
}

/** Checks the client's expectations against the locked instance (CONFLICT when they no longer hold). */
function assertExpected(instance: instances.InstanceRow, expectedState: string | null | undefined, expectedVersion: number | null | undefined) {
  if (expectedVersion !== null && expectedVersion !== undefined && instance.version !== expectedVersion) {
    throw conflict(
      `Workflow instance was changed by someone else (now version ${instance.version} in state ${instance.currentState}, you sent ${expectedVersion}); reload and retry`,
      { currentVersion: instance.version, currentState: instance.currentState },
    );
  }
  if (expectedState !== null && expectedState !== undefined && instance.currentState !== expectedState) {
    throw conflict(
      `Workflow instance is in state ${instance.currentState}, not ${expectedState}: it moved on meanwhile; reload and retry`,
      { currentVersion: instance.version, currentState: instance.currentState },
    );
  }
  if (instance.status !== 'ACTIVE') {
    throw conflict(`Workflow instance is ${instance.status}; it accepts no more changes`, { currentState: instance.currentState });
  }
}

export async function transitionWorkflow(
  ctx: TenantContext,
  input: {
    instanceId: string;
    event: string;
    comment?: string | null;
    expectedState?: string | null;
    expectedVersion?: number | null;
    variables?: Record<string, unknown> | null;
  },
): Promise<{ instance: instances.InstanceRow; transition: instances.TransitionRow; createdTasks: tasks.TaskRow[]; cancelledTasks: tasks.TaskRow[] }> {
  const event = requiredText(input.event, 'event', 100);
  const comment = optionalText(input.comment, 'comment', 2000) ?? null;
  const variables = userContext(input.variables, 'variables');
  const viewer = ctx.viewer;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    // Concurrent transitions of one instance queue on this lock; each then re-checks what it expected.
    const before = await instances.lockInstance(tx, org, input.instanceId);
    if (!before) throw notFound('Workflow instance', input.instanceId);
    assertExpected(before, input.expectedState, input.expectedVersion);
    const [definition] = await definitions.definitionsByIds(tx, org, [before.definitionId]);
    const { transition, target } = selectTransition(definition!.stateMachine, before.currentState, event, viewer);
    const context = { ...before.context, ...variables };
    const failures = await failedGuards(transition.guards, guardContext({ ...before, context }), (name) =>
      tasks.countUnfinishedTasks(tx, org, before.id, name),
    );
    if (failures.length) throw guardError(transition, failures);

    const entry = await instances.insertTransition(tx, org, {
      instanceId: before.id,
      fromState: before.currentState,
      toState: target.code,
      event,
      actorId: scope.userId!,
      comment,
    });
    // The open work of the state left is moot once the instance moves on, and all of it once it ends.
    // A self-loop stays in the state: it keeps that work and does not run the entry actions again,
    // unless the definition marks it `reenter` (then the state is left and entered afresh).
    const staysInState = transition.from === transition.to && !transition.reenter && !target.terminal;
    const cancelledTasks = staysInState ? [] : await tasks.cancelUnfinishedTasks(tx, org, before.id);
    const newWork = target.terminal ? [] : staysInState ? transition.actions : [...transition.actions, ...(target.actions ?? [])];
    const now = new Date();
    const after = await instances.updateInstanceRow(tx, {
      ...before,
      currentState: target.code,
      context,
      status: target.terminal ? 'COMPLETED' : 'ACTIVE',
      completedAt: target.terminal ? now : null,
    });
    const createdTasks = await openTasks(tx, org, before.id, entry.id, newWork).catch(
      (e: unknown) => Promise.reject(fromDatabaseError(e, TASK_REFERENCES)),
    );
    audit({
      action: 'workflow.transition',
      entityType: 'workflow_instance',
      entityId: before.id,
      before: { currentState: before.currentState, status: before.status, version: before.version },
      after: {
        currentState: after.currentState,
        status: after.status,
        version: after.version,
        event,
        transitionId: entry.id,
        ...(Object.keys(variables).length ? { variables } : {}),
        createdTaskIds: createdTasks.map((t) => t.id),
        cancelledTaskIds: cancelledTasks.map((t) => t.id),
      },
    });
    return { instance: after, transition: entry, createdTasks, cancelledTasks };
  });
}

export async function cancelWorkflow(
  ctx: TenantContext,
  input: { instanceId: string; reason: string; expectedVersion?: number | null },
): Promise<instances.InstanceRow> {
  const reason = requiredText(input.reason, 'reason', 2000);
  const viewer = ctx.viewer;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const before = await instances.lockInstance(tx, org, input.instanceId);
    if (!before) throw notFound('Workflow instance', input.instanceId);
    assertExpected(before, null, input.expectedVersion);
    const [definition] = await definitions.definitionsByIds(tx, org, [before.definitionId]);
    if (!mayCancel(definition!.stateMachine, before.currentState, viewer)) throw cancelRefused(definition!.stateMachine, before.currentState, viewer);
    const entry = await instances.insertTransition(tx, org, {
      instanceId: before.id,
      fromState: before.currentState,
      toState: before.currentState,
      event: CANCEL_EVENT,
      actorId: scope.userId!,
      comment: reason,
    });
    const cancelled = await tasks.cancelUnfinishedTasks(tx, org, before.id);
    const after = await instances.updateInstanceRow(tx, { ...before, status: 'CANCELLED', cancelledAt: new Date() });
    audit({
      action: 'workflow.cancel',
      entityType: 'workflow_instance',
      entityId: before.id,
      before: { status: before.status },
      after: { status: after.status, reason, transitionId: entry.id, cancelledTaskIds: cancelled.map((t) => t.id) },
    });
    return after;
  });
}
